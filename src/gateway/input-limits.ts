/**
 * Chime's documented input limits, checked before any upstream call so a
 * client learns at once which field broke which limit (BAD_USER_INPUT with
 * `extensions.field`). Sizes of content and metadata are UTF-8 bytes, as the
 * seeds state them ("4KB of data and 1KB of metadata", "30 bytes").
 * Enum values are checked by GraphQL itself, before any resolver runs.
 */
import { badInput } from './errors';
import { CHIME_ID_TYPES, fromGlobalId, NodeType } from './global-id';

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
/** Members of one addRoomMembers ("Adds up to 50 members to a chat room", BatchCreateRoomMembership). */
export const MAX_BATCH_ROOM_MEMBERS = 50;
/** Addresses of one inviteChimeUsers ("Sends email to a maximum of 50 users", InviteUsers). */
export const MAX_INVITES = 50;
/** Conditions of one searchChannels, and values of one condition (SearchFields, SearchFieldValues). */
export const MAX_SEARCH_FIELDS = 20;
/** A push-notification FilterRule, bytes (developer guide, "Using filter rules to filter messages"). */
export const FILTER_RULE_BYTES = 2048;

const CHIME_ARN = /^arn:[a-z0-9-.]{1,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[a-z0-9-.]{0,63}:[^/].{0,1023}$/;
const MESSAGE_ID = /^[-_a-zA-Z0-9]{1,128}$/;
const CLIENT_REQUEST_TOKEN = /^[-_a-zA-Z0-9]{2,64}$/;
const SUB_CHANNEL_ID = /^[-_a-zA-Z0-9]{1,128}$/;
// The rooms API types its ids as non-empty strings; real ones are UUIDs. Whitespace and `/` never belong in one.
const CHIME_ID = /^[^\s/]{1,256}$/;
const CALLBACK_ID = /^.{32,64}$/s;
const LAMBDA_ARN = /^arn:aws:lambda:[a-z]{2}-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9\-_.]+(:(\$LATEST|[a-zA-Z0-9\-_]+))?$/;
const EMAIL = /^.+@.+\..+$/;
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

/** A global id of any Node type (or of one of `expected`), its keys checked (ARNs, message id, Chime ids). */
export function nodeIdOf(field: string, id: string, expected?: readonly NodeType[]): { type: NodeType; keys: string[] } {
  const decoded = fromGlobalId(id, field, expected);
  decoded.keys.forEach((key, i) => {
    if (CHIME_ID_TYPES.has(decoded.type)) checkChimeId(field, key);
    else if (decoded.type === 'ChannelMessage' && i === 1) checkMessageId(field, key);
    else checkArn(field, key);
  });
  return decoded;
}

/** The ARN of a ChannelFlow global id. */
export function channelFlowArnOfId(field: string, id: string): string {
  return nodeIdOf(field, id, ['ChannelFlow']).keys[0];
}

/** The AccountId of a ChimeAccount global id. */
export function accountIdOfId(field: string, id: string): string {
  return nodeIdOf(field, id, ['ChimeAccount']).keys[0];
}

/** AccountId and RoomId of a Room global id. */
export function roomKeyOfId(field: string, id: string): { accountId: string; roomId: string } {
  const [accountId, roomId] = nodeIdOf(field, id, ['Room']).keys;
  return { accountId, roomId };
}

/** AccountId and UserId of a ChimeUser global id. */
export function chimeUserKeyOfId(field: string, id: string): { accountId: string; userId: string } {
  const [accountId, userId] = nodeIdOf(field, id, ['ChimeUser']).keys;
  return { accountId, userId };
}

/** An Amazon Chime (2018 API) id: AccountId, RoomId, UserId, MemberId, MessageId of a room. */
export function checkChimeId(field: string, value: string): string {
  if (!CHIME_ID.test(value)) throw badInput(field, `${field} must be an Amazon Chime id (1..256 characters, no whitespace or "/"), got "${value.slice(0, 100)}".`);
  return value;
}

/** A SubChannelId: 1..128 of `[-_a-zA-Z0-9]`. */
export function checkSubChannelId(field: string, value: string | null | undefined): string | undefined {
  if (value == null) return undefined;
  if (!SUB_CHANNEL_ID.test(value)) throw badInput(field, `${field} must be a sub-channel id (1..128 of [-_a-zA-Z0-9]), got "${value.slice(0, 140)}".`);
  return value;
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

/** ElasticChannelConfiguration: MaximumSubChannels and TargetMembershipsPerSubChannel at least 2, MinimumMembershipPercentage 1..40. */
export function checkElasticConfiguration(
  field: string,
  config: { maximumSubChannels: number; targetMembershipsPerSubChannel: number; minimumMembershipPercentage: number },
): void {
  for (const name of ['maximumSubChannels', 'targetMembershipsPerSubChannel'] as const) {
    if (config[name] < 2) throw badInput(`${field}.${name}`, `${field}.${name} must be at least 2, got ${config[name]}.`);
  }
  const percentage = config.minimumMembershipPercentage;
  if (percentage < 1 || percentage > 40) {
    throw badInput(`${field}.minimumMembershipPercentage`, `${field}.minimumMembershipPercentage must be between 1 and 40, got ${percentage}.`);
  }
}

/** PushNotificationPreferences: a FilterRule (1 byte..2 KB) exactly when AllowNotifications is FILTERED. */
export function checkPushNotificationPreferences(field: string, allow: string, filterRule: string | null | undefined): void {
  if (allow !== 'FILTERED') {
    if (filterRule != null) throw badInput(`${field}.filterRule`, `${field}.filterRule applies only with allowNotifications FILTERED, got ${allow}.`);
    return;
  }
  if (filterRule == null) throw badInput(`${field}.filterRule`, `${field}.filterRule is required when allowNotifications is FILTERED.`);
  const n = bytes(filterRule);
  if (n < 1 || n > FILTER_RULE_BYTES) throw badInput(`${field}.filterRule`, `${field}.filterRule must be 1..${FILTER_RULE_BYTES} bytes, got ${n}.`);
}

/** SearchFields: 1..20 conditions of 1..20 values each. */
export function checkSearchFields(field: string, fields: readonly { values: readonly string[] }[]): void {
  if (fields.length < 1 || fields.length > MAX_SEARCH_FIELDS) throw badInput(field, `${field} must hold 1..${MAX_SEARCH_FIELDS} conditions, got ${fields.length}.`);
  fields.forEach(({ values }, i) => {
    if (values.length < 1 || values.length > MAX_SEARCH_FIELDS) {
      throw badInput(`${field}[${i}].values`, `${field}[${i}].values must hold 1..${MAX_SEARCH_FIELDS} ids, got ${values.length}.`);
    }
  });
}

/** TagKeys: 1..50 keys of 1..128 characters. */
export function checkTagKeys(field: string, keys: readonly string[]): void {
  if (keys.length < 1 || keys.length > 50) throw badInput(field, `${field} must hold 1..50 keys, got ${keys.length}.`);
  keys.forEach((key, i) => {
    if (key.length < 1 || key.length > 128) throw badInput(`${field}[${i}]`, `${field}[${i}] must be 1..128 characters long, got ${key.length}.`);
  });
}

/** StreamingConfigurations: 1..2, one per data type, each naming an ARN. */
export function checkStreamingConfigurations(field: string, configurations: readonly { dataType: string; resourceArn: string }[]): void {
  if (configurations.length < 1 || configurations.length > 2) {
    throw badInput(field, `${field} must hold 1..2 configurations (one per data type), got ${configurations.length}.`);
  }
  const seen = new Set<string>();
  configurations.forEach(({ dataType, resourceArn }, i) => {
    if (seen.has(dataType)) throw badInput(`${field}[${i}].dataType`, `${field} may name each data type once; ${dataType} appears twice.`);
    seen.add(dataType);
    checkArn(`${field}[${i}].resourceArn`, resourceArn);
  });
}

/** RetentionDays: 1..5475. */
export function checkRetentionDays(field: string, days: number | null | undefined): void {
  if (days != null && (days < 1 || days > 5475)) throw badInput(field, `${field} must be between 1 and 5475 days, got ${days}.`);
}

/** A channel flow's processors: 1..3, names 1..256 characters, distinct execution orders 1..3, Lambda function ARNs. */
export function checkProcessors(
  field: string,
  processors: readonly { name: string; executionOrder: number; configuration: { lambda: { resourceArn: string } } }[],
): void {
  if (processors.length < 1 || processors.length > 3) throw badInput(field, `${field} must hold 1..3 processors, got ${processors.length}.`);
  const orders = new Set<number>();
  processors.forEach((processor, i) => {
    checkChannelName(`${field}[${i}].name`, processor.name);
    const order = processor.executionOrder;
    if (order < 1 || order > 3) throw badInput(`${field}[${i}].executionOrder`, `${field}[${i}].executionOrder must be between 1 and 3, got ${order}.`);
    if (orders.has(order)) throw badInput(`${field}[${i}].executionOrder`, `${field} must give each processor its own executionOrder; ${order} appears twice.`);
    orders.add(order);
    const arn = processor.configuration.lambda.resourceArn;
    if (arn.length < 15 || arn.length > 2048 || !LAMBDA_ARN.test(arn)) {
      throw badInput(
        `${field}[${i}].configuration.lambda.resourceArn`,
        `${field}[${i}].configuration.lambda.resourceArn must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), got "${arn.slice(0, 100)}".`,
      );
    }
  });
}

/** A ChannelFlowCallback CallbackId: 32..64 characters. */
export function checkCallbackId(field: string, value: string): void {
  if (!CALLBACK_ID.test(value)) throw badInput(field, `${field} must be 32..64 characters long, got ${value.length}.`);
}

/** A room name: required, not empty (the model sets no upper bound). */
export function checkRoomName(field: string, value: string): void {
  if (value.length === 0) throw badInput(field, `${field} must not be empty.`);
}

/** Chime account and user names: 1..100 characters, not all blank. */
export function checkChimeName(field: string, value: string): void {
  if (value.length < 1 || value.length > 100 || !/\S/.test(value)) {
    throw badInput(field, `${field} must be 1..100 characters with at least one that is not a space, got ${value.length} characters.`);
  }
}

/** An email address as the rooms API's EmailAddress pattern accepts it. */
export function checkEmail(field: string, value: string): void {
  if (!EMAIL.test(value)) throw badInput(field, `${field} must be an email address, got "${value.slice(0, 100)}".`);
}

/** A list of 1..`max` items. */
export function checkCount(field: string, count: number, max: number, what: string): void {
  if (count < 1 || count > max) throw badInput(field, `${field} must hold 1..${max} ${what}, got ${count}.`);
}
