/**
 * Resource tags, shared by the messaging and identity APIs (both serve
 * TagResource on `/tags`; the local service keeps one tag table for both).
 */
import { badRequest } from '../errors';
import { Backend } from './backend';

/** A tag as the APIs carry it. */
export interface Tag {
  Key?: string;
  Value?: string;
}

/** Writes tags for a resource (at most 50; keys 1..128, values 0..256 characters). */
export function putTags(backend: Backend, resourceArn: string, tags: Tag[] | undefined): void {
  if (!tags || tags.length === 0) return;
  if (tags.length > 50) throw badRequest(`Tags must hold at most 50 tags, got ${tags.length}.`);
  const insert = backend.db.prepare('INSERT OR REPLACE INTO tags (resource_arn, key, value) VALUES (?, ?, ?)');
  for (const tag of tags) {
    if (!tag.Key || tag.Key.length > 128) throw badRequest('Tag keys must be 1..128 characters long.');
    if ((tag.Value ?? '').length > 256) throw badRequest('Tag values must be at most 256 characters long.');
    insert.run(resourceArn, tag.Key, tag.Value ?? '');
  }
}

/** Reads a resource's tags in key order. */
export function listTags(backend: Backend, resourceArn: string): Tag[] {
  return (backend.db.prepare('SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key').all(resourceArn) as { key: string; value: string }[]).map(
    (r) => ({ Key: r.key, Value: r.value }),
  );
}
