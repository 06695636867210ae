/**
 * Checks for the constraints the model states (lengths, ranges, enums,
 * patterns). Each failure is a BadRequest naming the parameter, the limit and
 * what came.
 */
import { badRequest } from '../errors';

/** Byte length (UTF-8), which is how Chime measures content and metadata. */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** String length in [min, max] (characters). */
export function assertLength(name: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min || value.length > max) {
    throw badRequest(`${name} must be ${min}..${max} characters long, got ${value.length}.`);
  }
}

/** UTF-8 size at most `max` bytes. */
export function assertMaxBytes(name: string, value: string | undefined, max: number): void {
  if (value === undefined) return;
  const n = byteLength(value);
  if (n > max) throw badRequest(`${name} must be at most ${max} bytes, got ${n}.`);
}

/** Integer in [min, max]. */
export function assertRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be an integer in ${min}..${max}, got ${value}.`);
  }
}

/** One of the enum's values. */
export function assertEnum<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): asserts value is T | undefined {
  if (value === undefined) return;
  if (!(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${name} must be one of ${allowed.join(', ')}, got "${value}".`);
  }
}

/** Matches a pattern from the model. */
export function assertPattern(name: string, value: string | undefined, pattern: RegExp): void {
  if (value === undefined) return;
  if (!pattern.test(value)) throw badRequest(`${name} does not match ${pattern.source}: "${value.slice(0, 100)}".`);
}

/** MaxResults of every List call: 1..50, default 50 (Chime's page limit). */
export function pageSize(maxResults: number | undefined): number {
  assertRange('MaxResults', maxResults, 1, 50);
  return maxResults ?? 50;
}

/** The model's NonEmptyResourceName / ResourceName character set. */
export const RESOURCE_NAME = /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** ClientRequestToken: 2..64 of `[-_a-zA-Z0-9]`. */
export function assertClientRequestToken(value: string | undefined): void {
  assertLength('ClientRequestToken', value, 2, 64);
  assertPattern('ClientRequestToken', value, /^[-_a-zA-Z0-9]*$/);
}
