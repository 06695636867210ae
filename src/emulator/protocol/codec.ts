/**
 * restJson1 as the AWS SDK v3 clients speak it, driven by the model:
 * URI labels, query parameters, headers and a JSON body in; headers and a
 * JSON body out. Timestamps are `Date` inside the service, ISO 8601 in query
 * strings and epoch seconds in JSON bodies (the protocol's defaults).
 */
import { badRequest } from '../errors';
import { Member, OperationSpec, Shape } from './model';

/** The parts of an HTTP request the codec reads. */
export interface WireRequest {
  labels: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The parts of an HTTP response the codec writes. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Builds the operation's input object from the request; rejects missing or malformed members with BadRequest. */
export function decodeInput(op: OperationSpec, req: WireRequest): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let json: Record<string, unknown> = {};
  if (req.body.trim().length > 0) {
    try {
      const parsed: unknown = JSON.parse(req.body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      throw badRequest('The request body is not a JSON object.');
    }
  }
  for (const member of Object.values(op.input.members ?? {})) {
    const value = readMember(member, req, json);
    if (value !== undefined) input[member.name] = value;
  }
  // Only absence counts as missing: the model lets some required members be
  // empty (e.g. Metadata on updates), and each operation checks lengths.
  for (const name of op.input.required ?? []) {
    if (input[name] === undefined) throw badRequest(`Missing required parameter ${name}.`);
  }
  return input;
}

function readMember(member: Member, req: WireRequest, json: Record<string, unknown>): unknown {
  switch (member.location) {
    case 'uri':
      return req.labels[member.locationName];
    case 'querystring': {
      if (member.shape.type === 'list') {
        const all = req.query.getAll(member.locationName);
        return all.length ? all.map((v) => fromText(member, member.shape.member ?? { type: 'string' }, v)) : undefined;
      }
      const v = req.query.get(member.locationName);
      return v === null ? undefined : fromText(member, member.shape, v);
    }
    case 'header': {
      const v = req.headers[member.locationName.toLowerCase()];
      const text = Array.isArray(v) ? v.join(',') : v;
      return text === undefined ? undefined : fromText(member, member.shape, text);
    }
    case 'headers':
      return undefined;
    default:
      return json[member.locationName] === undefined || json[member.locationName] === null
        ? undefined
        : fromJson(member.name, member.shape, json[member.locationName]);
  }
}

function fromText(member: Member, shape: Shape, text: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(text)) throw badRequest(`Invalid value for ${member.name}: expected an integer, got "${text}".`);
      return Number(text);
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw badRequest(`Invalid value for ${member.name}: expected true or false.`);
      return text === 'true';
    case 'timestamp': {
      const d = /^-?\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
      if (Number.isNaN(d.getTime())) throw badRequest(`Invalid value for ${member.name}: expected an ISO 8601 timestamp, got "${text}".`);
      return d;
    }
    default:
      return text;
  }
}

function fromJson(path: string, shape: Shape, value: unknown): unknown {
  const wrong = (what: string) => badRequest(`Invalid value for ${path}: expected ${what}.`);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('an object');
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const m of Object.values(shape.members ?? {})) {
        const v = obj[m.locationName];
        if (v !== undefined && v !== null) out[m.name] = fromJson(`${path}.${m.name}`, m.shape, v);
      }
      for (const name of shape.required ?? []) {
        if (out[name] === undefined) throw badRequest(`Missing required parameter ${path}.${name}.`);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) throw wrong('a list');
      return value.map((v, i) => fromJson(`${path}[${i}]`, shape.member ?? { type: 'string' }, v));
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrong('a map');
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(`${path}.${k}`, shape.value ?? { type: 'string' }, v)]),
      );
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrong('an integer');
      return value;
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw wrong('a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong('a boolean');
      return value;
    case 'timestamp': {
      const d = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : new Date(NaN);
      if (Number.isNaN(d.getTime())) throw wrong('a timestamp');
      return d;
    }
    default:
      if (typeof value !== 'string') throw wrong('a string');
      return value;
  }
}

/** Serializes an operation's output: header members to headers, the rest to the JSON body. */
export function encodeOutput(op: OperationSpec, output: Record<string, unknown> | undefined, requestId: string): WireResponse {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId };
  const body: Record<string, unknown> = {};
  for (const member of Object.values(op.output.members ?? {})) {
    const value = output?.[member.name];
    if (value === undefined || value === null) continue;
    if (member.location === 'header') headers[member.locationName.toLowerCase()] = String(value);
    else if (member.location === 'body') body[member.locationName] = toJson(member.shape, value);
  }
  const hasBody = Object.keys(body).length > 0 || op.responseCode !== 204;
  if (hasBody) headers['content-type'] = 'application/json';
  return { status: op.responseCode, headers, body: hasBody && op.responseCode !== 204 ? JSON.stringify(body) : '' };
}

function toJson(shape: Shape, value: unknown): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const m of Object.values(shape.members ?? {})) {
        const v = obj[m.name];
        if (v !== undefined && v !== null) out[m.locationName] = toJson(m.shape, v);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toJson(shape.member ?? { type: 'string' }, v));
    case 'map':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(shape.value ?? { type: 'string' }, v)]));
    case 'timestamp': {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      return shape.timestampFormat === 'iso8601' ? new Date(ms).toISOString() : ms / 1000;
    }
    default:
      return value;
  }
}
