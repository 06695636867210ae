/**
 * Chime's documented input limits, checked before any upstream call so a
 * client learns at once which field broke which limit (BAD_USER_INPUT with
 * `extensions.field`). Sizes of content and metadata are UTF-8 bytes, as the
 * seeds state them ("4KB of data and 1KB of metadata", "30 bytes").
 * Enum values are checked by GraphQL itself, before any resolver runs.
 */
import { badInput } from './errors';
import { fromGlobalId, NodeType } from './global-id';

/** STANDARD message content, bytes. */
export const STANDARD_CONTENT_BYTES = 4096;
/** CONTROL message content, bytes. */
export const CONTROL_CONTENT_BYTES = 30;
/** Message and channel metadata, bytes. */
export const METADATA_BYTES = 1024;
/** ContentType, characters. */
export const CONTENT_TYPE_CHARS = 45;
/** Channel name, characters. */
export const CHANNEL_NAME_CHARS = 256;
/** Members of one addChannelMembers (BatchCreateChannelMembership MemberArns). */
export const MAX_BATCH_MEMBERS = 100;
/** Ids of one `nodes` query. */
export const MAX_NODES = 100;

const CHIME_ARN = /^arn:[a-z0-9-.]{1,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[^/].{0,1023}$/;
const MESSAGE_ID = /^[-_a-zA-Z0-9]{1,128}$/;
const CLIENT_REQUEST_TOKEN = /^[-_a-zA-Z0-9]{2,64}$/;
const RESOURCE_NAME = /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A ChimeArn: 5..1600 characters of the model's pattern. */
export function checkArn(field: string, value: string): string {
  if (value.length < 5 || value.length > 1600 || !CHIME_ARN.test(value)) {
    throw badInput(field, `${field} must be an ARN (5..1600 characters, arn:partition:service:region:account:resource), got "${value.slice(0, 100)}".`);
  }
  return value;
}

/** The channel ARN of a Channel global id. */
export function channelArnOfId(field: string, id: string): string {
  return checkArn(field, fromGlobalId(id, field, ['Channel']).keys[0]);
}

/** The ARN of an AppInstanceUser or AppInstanceBot global id. */
export function identityArnOfId(field: string, id: string): string {
  return checkArn(field, fromGlobalId(id, field, ['AppInstanceUser', 'AppInstanceBot']).keys[0]);
}

/** Channel ARN and MessageId of a ChannelMessage global id. */
export function messageKeyOfId(field: string, id: string): { channelArn: string; messageId: string } {
  const [channelArn, messageId] = fromGlobalId(id, field, ['ChannelMessage']).keys;
  checkArn(field, channelArn);
  checkMessageId(field, messageId);
  return { channelArn, messageId };
}

/** A global id of any Node type, its keys checked (ARNs, message id). */
export function nodeIdOf(field: string, id: string): { type: NodeType; keys: string[] } {
  const decoded = fromGlobalId(id, field);
  decoded.keys.forEach((key, i) => (decoded.type === 'ChannelMessage' && i === 1 ? checkMessageId(field, key) : checkArn(field, key)));
  return decoded;
}

/** A Chime MessageId: 1..128 of `[-_a-zA-Z0-9]`. */
export function checkMessageId(field: string, value: string): string {
  if (!MESSAGE_ID.test(value)) throw badInput(field, `${field} must be a message id (1..128 of [-_a-zA-Z0-9]), got "${value.slice(0, 140)}".`);
  return value;
}

/** A channel name: 1..256 characters of the model's character set. */
export function checkChannelName(field: string, value: string): void {
  if (value.length < 1 || value.length > CHANNEL_NAME_CHARS) {
    throw badInput(field, `${field} must be 1..${CHANNEL_NAME_CHARS} characters long, got ${value.length}.`);
  }
  if (!RESOURCE_NAME.test(value)) throw badInput(field, `${field} contains characters a Chime resource name cannot hold.`);
}

/** Metadata of channels and messages: at most 1 KB. */
export function checkMetadata(field: string, value: string | null | undefined): void {
  if (value == null) return;
  const n = bytes(value);
  if (n > METADATA_BYTES) throw badInput(field, `${field} must be at most ${METADATA_BYTES} bytes (1 KB), got ${n}.`);
}

/** Message content and metadata within the limits of the message type. */
export function checkMessageBody(
  fields: { content: string; metadata: string },
  type: 'STANDARD' | 'CONTROL',
  content: string,
  metadata: string | null | undefined,
): void {
  const n = bytes(content);
  if (n === 0) throw badInput(fields.content, `${fields.content} must not be empty.`);
  if (type === 'CONTROL') {
    if (n > CONTROL_CONTENT_BYTES) throw badInput(fields.content, `${fields.content} of a CONTROL message must be at most ${CONTROL_CONTENT_BYTES} bytes, got ${n}.`);
    if (metadata) throw badInput(fields.metadata, `${fields.metadata} is not allowed on CONTROL messages.`);
    return;
  }
  if (n > STANDARD_CONTENT_BYTES) throw badInput(fields.content, `${fields.content} must be at most ${STANDARD_CONTENT_BYTES} bytes (4 KB), got ${n}.`);
  checkMetadata(fields.metadata, metadata);
}

/** ContentType: at most 45 characters. */
export function checkContentType(field: string, value: string | null | undefined): void {
  if (value != null && value.length > CONTENT_TYPE_CHARS) {
    throw badInput(field, `${field} must be at most ${CONTENT_TYPE_CHARS} characters, got ${value.length}.`);
  }
}

/** ClientRequestToken: 2..64 of `[-_a-zA-Z0-9]`. */
export function checkClientRequestToken(field: string, value: string | null | undefined): void {
  if (value != null && !CLIENT_REQUEST_TOKEN.test(value)) {
    throw badInput(field, `${field} must be 2..64 characters of [-_a-zA-Z0-9], got "${value.slice(0, 80)}".`);
  }
}

/** Tags: 1..50, keys 1..128 and values 1..256 characters. */
export function checkTags(field: string, tags: readonly { key: string; value: string }[] | null | undefined): void {
  if (tags == null) return;
  if (tags.length < 1 || tags.length > 50) throw badInput(field, `${field} must hold 1..50 tags, got ${tags.length}.`);
  tags.forEach((tag, i) => {
    if (tag.key.length < 1 || tag.key.length > 128) throw badInput(`${field}[${i}].key`, `${field}[${i}].key must be 1..128 characters long, got ${tag.key.length}.`);
    if (tag.value.length < 1 || tag.value.length > 256) {
      throw badInput(`${field}[${i}].value`, `${field}[${i}].value must be 1..256 characters long, got ${tag.value.length}.`);
    }
  });
}

/** ExpirationDays: 1..5475. */
export function checkExpirationDays(field: string, days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 5475) throw badInput(field, `${field} must be between 1 and 5475 days, got ${days}.`);
}

/** Member ids of one addChannelMembers: 1..100. */
export function checkMemberCount(field: string, count: number): void {
  if (count < 1 || count > MAX_BATCH_MEMBERS) throw badInput(field, `${field} must hold 1..${MAX_BATCH_MEMBERS} ids, got ${count}.`);
}

/** Ids of one `nodes` query: at most 100. */
export function checkNodeCount(field: string, count: number): void {
  if (count > MAX_NODES) throw badInput(field, `${field} must hold at most ${MAX_NODES} ids, got ${count}.`);
}
