/**
 * Resource tags, shared by the messaging and identity APIs (both serve
 * TagResource, UntagResource and ListTagsForResource on `/tags`; the local
 * service keeps one tag table for both, so either client sees the same tags).
 */
import type { ListTagsForResourceResponse, TagResourceRequest, UntagResourceRequest } from '@aws-sdk/client-chime-sdk-identity';
import { badRequest, notFound, resourceLimitExceeded } from '../errors';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { OperationTable, Output } from './operation';
import { assertLength } from './validate';

/** A tag as the APIs carry it. */
export interface Tag {
  Key?: string;
  Value?: string;
}

/** Tags one resource may hold, and one request may carry (the model's TagList). */
export const MAX_TAGS = 50;

/** Checks a TagList: 1..50 tags, keys 1..128 and values 1..256 characters. */
function assertTagList(tags: Tag[]): void {
  if (tags.length < 1 || tags.length > MAX_TAGS) throw badRequest(`Tags must hold 1..${MAX_TAGS} tags, got ${tags.length}.`);
  tags.forEach((tag, i) => {
    if (tag.Key === undefined) throw badRequest(`Tags[${i}].Key is required.`);
    if (tag.Value === undefined) throw badRequest(`Tags[${i}].Value is required.`);
    assertLength(`Tags[${i}].Key`, tag.Key, 1, 128);
    assertLength(`Tags[${i}].Value`, tag.Value, 1, 256);
  });
}

/**
 * Writes tags for a resource; a key it already has gets the new value. Call
 * inside the caller's transaction: everything is checked before the first
 * write, and going over 50 tags on the resource throws so the transaction
 * rolls back. Exceeding the per-resource quota is ResourceLimitExceeded (a
 * quota), while a request list over 50 is BadRequest (a model constraint).
 */
export function putTags(backend: Backend, resourceArn: string, tags: Tag[] | undefined): void {
  if (tags === undefined) return;
  assertTagList(tags);
  const insert = backend.db.prepare('INSERT OR REPLACE INTO tags (resource_arn, key, value) VALUES (?, ?, ?)');
  for (const tag of tags) insert.run(resourceArn, tag.Key, tag.Value);
  const { n } = backend.db.prepare('SELECT count(*) AS n FROM tags WHERE resource_arn = ?').get(resourceArn) as { n: number };
  if (n > MAX_TAGS) throw resourceLimitExceeded(`A resource may hold at most ${MAX_TAGS} tags; ${resourceArn} would hold ${n}.`);
}

/** Reads a resource's tags in key order. */
export function listTags(backend: Backend, resourceArn: string): Tag[] {
  return (backend.db.prepare('SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key').all(resourceArn) as { key: string; value: string }[]).map(
    (r) => ({ Key: r.key, Value: r.value }),
  );
}

/**
 * Deletes the tags of a deleted resource, and with `withChildren` those of
 * everything under its ARN (an AppInstance's users, bots and channels).
 */
export function deleteTags(backend: Backend, resourceArn: string, withChildren = false): void {
  if (!withChildren) {
    backend.db.prepare('DELETE FROM tags WHERE resource_arn = ?').run(resourceArn);
    return;
  }
  // substr rather than LIKE: ARNs may hold `_`, which LIKE treats as a wildcard.
  const prefix = `${resourceArn}/`;
  backend.db.prepare('DELETE FROM tags WHERE resource_arn = ? OR substr(resource_arn, 1, ?) = ?').run(resourceArn, prefix.length, prefix);
}

/** The tables holding resources that can carry tags. */
const TAGGABLE_TABLES = ['app_instances', 'app_instance_users', 'app_instance_bots', 'channels', 'channel_flows'] as const;

/** Throws NotFound unless the ARN names an existing AppInstance, user, bot, channel or channel flow. */
function requireTaggable(backend: Backend, arn: string): void {
  assertChimeArn('ResourceARN', arn);
  const exists = TAGGABLE_TABLES.some((table) => backend.statement(`SELECT 1 FROM ${table} WHERE arn = ?`).get(arn) !== undefined);
  if (!exists) throw notFound(`Resource ${arn} not found.`);
}

function tagResource(backend: Backend, input: TagResourceRequest): void {
  const arn = input.ResourceARN as string;
  backend.transaction(() => {
    requireTaggable(backend, arn);
    putTags(backend, arn, input.Tags ?? []);
  });
}

function untagResource(backend: Backend, input: UntagResourceRequest): void {
  const arn = input.ResourceARN as string;
  const keys = input.TagKeys ?? [];
  if (keys.length < 1 || keys.length > MAX_TAGS) throw badRequest(`TagKeys must hold 1..${MAX_TAGS} keys, got ${keys.length}.`);
  keys.forEach((key, i) => assertLength(`TagKeys[${i}]`, key, 1, 128));
  backend.transaction(() => {
    requireTaggable(backend, arn);
    // Removing a key the resource does not have is not an error, as in AWS tagging.
    const remove = backend.db.prepare('DELETE FROM tags WHERE resource_arn = ? AND key = ?');
    for (const key of keys) remove.run(arn, key);
  });
}

function listTagsForResource(backend: Backend, input: { ResourceARN?: string }): Output<ListTagsForResourceResponse> {
  const arn = input.ResourceARN as string;
  requireTaggable(backend, arn);
  return { Tags: listTags(backend, arn) as ListTagsForResourceResponse['Tags'] };
}

/** Tag operations, by AWS operation name (the same for the messaging and identity APIs). */
export const tagOperations: OperationTable = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
