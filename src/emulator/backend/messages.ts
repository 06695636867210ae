/**
 * Channel messages and read markers: SendChannelMessage, GetChannelMessage,
 * ListChannelMessages, UpdateChannelMessage, RedactChannelMessage,
 * DeleteChannelMessage and UpdateChannelReadMarker.
 *
 * Who may do what (seed 000 and the SDK's member docs; choices marked):
 * - Send: members only. STANDARD content up to 4 KB and metadata up to 1 KB,
 *   CONTROL content up to 30 bytes and no metadata (sizes in UTF-8 bytes).
 * - Read (Get, List): AppInstanceAdmins, moderators, members, and, on a PUBLIC
 *   channel, any unbanned user of the AppInstance ("you do not need to be a
 *   member to list messages"). A PRIVATE channel is Forbidden to outsiders.
 * - Edit: the sender only, while still a member.
 * - Redact: moderators, AppInstanceAdmins and the sender (the official chat
 *   demo lets senders take back their own messages this way).
 * - Delete: AppInstanceAdmins only ("Only admins can perform this action").
 * - Targeted messages (`Target`, one member) are visible only to the sender
 *   and the target, admins included; the others get NotFound, as if the
 *   message did not exist. Admins may still delete them (SDK docs).
 * - NON_PERSISTENT messages reach live sessions only: never stored, listed or
 *   readable afterwards, and they do not move the channel's last-message time.
 * - Persistent CONTROL messages are stored and listed like STANDARD ones: the
 *   ChannelMessageSummary's Type admits CONTROL, so listings carry them.
 *
 * Statements are prepared once per backend (the send and list paths are the
 * hot ones), and listings walk the (channel_arn, created_at, seq) index.
 */
import type {
  DeleteChannelMessageRequest,
  GetChannelMessageRequest,
  GetChannelMessageResponse,
  ListChannelMessagesRequest,
  ListChannelMessagesResponse,
  MessageAttributeValue,
  PushNotificationConfiguration,
  RedactChannelMessageRequest,
  RedactChannelMessageResponse,
  SendChannelMessageRequest,
  SendChannelMessageResponse,
  Target,
  UpdateChannelMessageRequest,
  UpdateChannelMessageResponse,
  UpdateChannelReadMarkerRequest,
  UpdateChannelReadMarkerResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import type { Statement } from 'better-sqlite3';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { ChannelRow, MembershipRow } from '../store/rows';
import { Bearer, ChannelAccess } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { ChannelEvent } from './events';
import { idempotent } from './idempotency';
import { channelMessageOf, channelMessageSummaryOf, MessageSummaryRow, MessageWithSender, messagePayload, SENT_STATUS, SENT_STATUS_JSON } from './message-view';
import { OperationTable, Output } from './operation';
import { assertClientRequestToken, assertEnum, assertLength, assertMaxBytes, assertPattern, byteLength, pageSize } from './validate';

/** Limits of seed 000 ("STANDARD messages can contain 4KB of data and the 1KB of metadata. CONTROL messages can contain 30 bytes of data and no metadata"). */
const STANDARD_CONTENT_BYTES = 4096;
const METADATA_BYTES = 1024;
const CONTROL_CONTENT_BYTES = 30;
/** ContentType: 0..45 characters (2023 model). */
const CONTENT_TYPE_CHARS = 45;
const MESSAGE_TYPES = ['STANDARD', 'CONTROL'] as const;
const PERSISTENCE_TYPES = ['PERSISTENT', 'NON_PERSISTENT'] as const;
const SORT_ORDERS = ['ASCENDING', 'DESCENDING'] as const;
const PUSH_TYPES = ['DEFAULT', 'VOIP'] as const;
/** MessageId and SubChannelId characters. */
const ID_CHARACTERS = /^[-_a-zA-Z0-9]*$/;

type MessageType = (typeof MESSAGE_TYPES)[number];
type SortOrder = (typeof SORT_ORDERS)[number];

/** Where a ListChannelMessages page resumes: the last row's (created_at, seq). */
type PagePosition = [number, number];

// ---------------------------------------------------------------------------
// Prepared statements, once per backend.

interface MessageStatements {
  bearer: Statement;
  channel: Statement;
  roles: Statement;
  membership: Statement;
  insert: Statement;
  touchChannel: Statement;
  byId: Statement;
  edit: Statement;
  redact: Statement;
  remove: Statement;
  isMember: Statement;
  members: Statement;
  readMarker: Statement;
  page: Record<SortOrder, Statement>;
}

const prepared = new WeakMap<Backend, MessageStatements>();

const SENDER_NAME = `COALESCE((SELECT name FROM app_instance_users WHERE arn = m.sender_arn),
  (SELECT name FROM app_instance_bots WHERE arn = m.sender_arn), '')`;

/** Columns of a listing; the sender's name is added from users or bots. */
const SUMMARY_COLUMNS = [
  'seq', 'message_id', 'content', 'metadata', 'type', 'created_at', 'updated_at', 'edited_at',
  'sender_arn', 'redacted', 'status_json', 'attributes_json', 'content_type', 'target_json',
] as const satisfies readonly Exclude<keyof MessageSummaryRow, 'sender_name'>[];

// A listing row travels as one JSON object built by SQLite: parsing 50 small
// JSON strings costs about half of better-sqlite3 building 50 wide row objects.
const SUMMARY_JSON = `json_object(${SUMMARY_COLUMNS.map((c) => `'${c}', m.${c}`).join(', ')}, 'sender_name', ${SENDER_NAME})`;

// Keyset page: bounds are inclusive; `(created_at, seq)` strictly past the
// last row already returned, so rows arriving meanwhile cause no gap or repeat.
const PAGE = `SELECT ${SUMMARY_JSON} FROM channel_messages m
  WHERE m.channel_arn = @channel
    AND m.created_at >= @low AND m.created_at <= @high
    AND m.sub_channel_id IS @subChannel
    AND (m.target_json IS NULL OR m.sender_arn = @bearer OR json_extract(m.target_json, '$[0].MemberArn') = @bearer)`;

function statements(backend: Backend): MessageStatements {
  let s = prepared.get(backend);
  if (s) return s;
  const db = backend.db;
  s = {
    bearer: db.prepare(
      `SELECT app_instance_arn, name, 'user' AS kind FROM app_instance_users WHERE arn = @arn
       UNION ALL SELECT app_instance_arn, COALESCE(name, ''), 'bot' FROM app_instance_bots WHERE arn = @arn`,
    ),
    channel: db.prepare('SELECT * FROM channels WHERE arn = ?'),
    roles: db.prepare(
      `SELECT EXISTS(SELECT 1 FROM app_instance_admins WHERE app_instance_arn = @instance AND admin_arn = @bearer) AS admin,
              EXISTS(SELECT 1 FROM channel_moderators WHERE channel_arn = @channel AND moderator_arn = @bearer) AS moderator,
              EXISTS(SELECT 1 FROM channel_bans WHERE channel_arn = @channel AND member_arn = @bearer) AS banned`,
    ),
    membership: db.prepare('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?'),
    insert: db.prepare(
      `INSERT INTO channel_messages (channel_arn, message_id, content, metadata, type, persistence, sender_arn, created_at, updated_at,
         status_json, attributes_json, push_json, content_type, target_json, sub_channel_id)
       VALUES (@channel_arn, @message_id, @content, @metadata, @type, @persistence, @sender_arn, @created_at, @updated_at,
         @status_json, @attributes_json, @push_json, @content_type, @target_json, @sub_channel_id)`,
    ),
    // The expiration sweep reads last_message_at (LAST_MESSAGE_TIMESTAMP expiry).
    touchChannel: db.prepare('UPDATE channels SET last_message_at = ? WHERE arn = ?'),
    byId: db.prepare(`SELECT m.*, ${SENDER_NAME} AS sender_name FROM channel_messages m WHERE m.channel_arn = ? AND m.message_id = ?`),
    edit: db.prepare('UPDATE channel_messages SET content = ?, metadata = ?, content_type = ?, edited_at = ?, updated_at = ? WHERE seq = ?'),
    redact: db.prepare(`UPDATE channel_messages SET content = '', metadata = NULL, redacted = 1, updated_at = ? WHERE seq = ?`),
    remove: db.prepare('DELETE FROM channel_messages WHERE seq = ?'),
    isMember: db.prepare('SELECT 1 FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?'),
    members: db.prepare('SELECT member_arn FROM channel_memberships WHERE channel_arn = ?').pluck(),
    readMarker: db.prepare('UPDATE channel_memberships SET read_marker_at = ? WHERE channel_arn = ? AND member_arn = ?'),
    page: {
      DESCENDING: db.prepare(
        `${PAGE} AND (m.created_at, m.seq) < (@at, @seq) ORDER BY m.created_at DESC, m.seq DESC LIMIT @limit`,
      ).pluck(),
      ASCENDING: db.prepare(
        `${PAGE} AND (m.created_at, m.seq) > (@at, @seq) ORDER BY m.created_at ASC, m.seq ASC LIMIT @limit`,
      ).pluck(),
    },
  };
  prepared.set(backend, s);
  return s;
}

// ---------------------------------------------------------------------------
// Who may do what.

/**
 * `channelAccess` of access.ts (same checks, order and errors) on statements
 * prepared once: every message call starts here, and sending and listing are
 * the hot paths. Replace with `channelAccess` once that one caches its statements.
 */
function messageAccess(backend: Backend, channelArn: string, bearerArn: string | undefined): ChannelAccess {
  if (!bearerArn) throw forbidden('The x-amz-chime-bearer header is required.');
  assertChimeArn('ChimeBearer', bearerArn);
  const s = statements(backend);
  const who = s.bearer.get({ arn: bearerArn }) as { app_instance_arn: string; name: string; kind: Bearer['kind'] } | undefined;
  if (!who) throw forbidden(`The bearer ${bearerArn} is not an AppInstanceUser or AppInstanceBot.`);
  assertChimeArn('ChannelArn', channelArn);
  const channel = s.channel.get(channelArn) as ChannelRow | undefined;
  if (!channel) throw notFound(`Channel ${channelArn} not found.`);
  if (channel.app_instance_arn !== who.app_instance_arn) {
    throw forbidden(`The bearer does not belong to the AppInstance of channel ${channelArn}.`);
  }
  const roles = s.roles.get({ instance: channel.app_instance_arn, channel: channelArn, bearer: bearerArn }) as {
    admin: number;
    moderator: number;
    banned: number;
  };
  return {
    channel,
    bearer: { arn: bearerArn, appInstanceArn: who.app_instance_arn, name: who.name, kind: who.kind },
    admin: roles.admin === 1,
    moderator: roles.moderator === 1,
    membership: s.membership.get(channelArn, bearerArn) as MembershipRow | undefined,
    banned: roles.banned === 1,
  };
}

/** Members send, edit and mark read; a ban or no membership is Forbidden. */
function requireMember(access: ChannelAccess, action: string): void {
  if (access.banned) throw forbidden(`${access.bearer.arn} is banned from channel ${access.channel.arn} and may not ${action}.`);
  if (!access.membership) throw forbidden(`Only members of channel ${access.channel.arn} may ${action}.`);
}

/** Admins, moderators and members read; on a PUBLIC channel any unbanned user of the AppInstance does too. */
function requireReader(access: ChannelAccess): void {
  if (access.admin || access.moderator) return;
  if (access.banned) throw forbidden(`${access.bearer.arn} is banned from channel ${access.channel.arn}.`);
  if (access.membership || access.channel.privacy === 'PUBLIC') return;
  throw forbidden(`Only members of the private channel ${access.channel.arn} may read its messages.`);
}

/** The one target of a targeted message, if any. */
function targetArnOf(row: MessageWithSender): string | undefined {
  return row.target_json === null ? undefined : (JSON.parse(row.target_json) as Target[])[0]?.MemberArn;
}

/** Loads a stored message; `viewer` given, a targeted message the viewer may not see is NotFound too. */
function requireMessage(backend: Backend, channelArn: string, messageId: string | undefined, viewer?: string): MessageWithSender {
  assertLength('MessageId', messageId, 1, 128);
  assertPattern('MessageId', messageId, ID_CHARACTERS);
  const row = statements(backend).byId.get(channelArn, messageId) as MessageWithSender | undefined;
  const hidden = row !== undefined && viewer !== undefined && row.target_json !== null && row.sender_arn !== viewer && targetArnOf(row) !== viewer;
  if (!row || hidden) throw notFound(`Message ${messageId} not found in channel ${channelArn}.`);
  return row;
}

/**
 * SubChannelId names a part of an elastic channel; on any other channel it is
 * a BadRequest rather than silently ignored.
 */
function subChannelOf(channel: ChannelRow, subChannelId: string | undefined): string | null {
  if (subChannelId === undefined) return null;
  assertLength('SubChannelId', subChannelId, 1, 128);
  assertPattern('SubChannelId', subChannelId, ID_CHARACTERS);
  if (channel.elastic_json === null) throw badRequest(`SubChannelId is only valid for elastic channels; ${channel.arn} is not one.`);
  return subChannelId;
}

/** Who hears about a message: only sender and target of a targeted one, else the channel's members at write time. */
function recipientsOf(backend: Backend, row: MessageWithSender): string[] {
  const target = targetArnOf(row);
  if (target !== undefined) return target === row.sender_arn ? [target] : [row.sender_arn, target];
  return statements(backend).members.all(row.channel_arn) as string[];
}

function messageEvent(eventType: string, row: MessageWithSender, recipients: string[]): ChannelEvent {
  return { eventType, messageType: row.type, persistence: row.persistence, channelArn: row.channel_arn, payload: messagePayload(row), recipients };
}

// ---------------------------------------------------------------------------
// Validation of message bodies.

/** Content and metadata limits of a message type; Content itself is required (non-empty) by the model. */
function assertBody(type: MessageType, content: string | undefined, metadata: string | undefined): void {
  if (content === undefined || content.length === 0) throw badRequest('Content must not be empty.');
  if (type === 'CONTROL') {
    const n = byteLength(content);
    if (n > CONTROL_CONTENT_BYTES) throw badRequest(`Content of a CONTROL message must be at most ${CONTROL_CONTENT_BYTES} bytes, got ${n}.`);
    if (metadata) throw badRequest('Metadata is not allowed on CONTROL messages.');
    return;
  }
  assertMaxBytes('Content', content, STANDARD_CONTENT_BYTES);
  assertMaxBytes('Metadata', metadata, METADATA_BYTES);
}

/** MessageAttributes: names 1..64 characters, each string value 1..512. */
function assertAttributes(attributes: Record<string, MessageAttributeValue> | undefined): void {
  if (!attributes) return;
  for (const [name, value] of Object.entries(attributes)) {
    assertLength('MessageAttributes name', name, 1, 64);
    for (const s of value.StringValues ?? []) assertLength(`MessageAttributes.${name}.StringValues[]`, s, 1, 512);
  }
}

/** PushNotification: Title 1..50, Body 1..150 characters, Type DEFAULT or VOIP (2023 model). */
function assertPushNotification(push: PushNotificationConfiguration | undefined): void {
  if (!push) return;
  assertLength('PushNotification.Title', push.Title, 1, 50);
  assertLength('PushNotification.Body', push.Body, 1, 150);
  assertEnum('PushNotification.Type', push.Type, PUSH_TYPES);
}

/** Target: exactly one entry naming a current member of the channel (the sender included). */
function targetJsonOf(backend: Backend, channelArn: string, target: Target[] | undefined): string | null {
  if (target === undefined) return null;
  if (target.length !== 1) throw badRequest(`Target must hold exactly 1 entry, got ${target.length}.`);
  const arn = target[0].MemberArn;
  if (!arn) throw badRequest('Target[0].MemberArn is required.');
  assertChimeArn('Target[0].MemberArn', arn);
  if (!statements(backend).isMember.get(channelArn, arn)) {
    throw badRequest(`Target[0].MemberArn ${arn} is not a member of channel ${channelArn}.`);
  }
  return JSON.stringify([{ MemberArn: arn }]);
}

// ---------------------------------------------------------------------------
// Operations.

function sendChannelMessage(backend: Backend, input: SendChannelMessageRequest): Output<SendChannelMessageResponse> {
  assertEnum('Type', input.Type, MESSAGE_TYPES);
  assertEnum('Persistence', input.Persistence, PERSISTENCE_TYPES);
  assertBody(input.Type as MessageType, input.Content, input.Metadata);
  assertLength('ContentType', input.ContentType, 0, CONTENT_TYPE_CHARS);
  assertClientRequestToken(input.ClientRequestToken);
  assertAttributes(input.MessageAttributes);
  assertPushNotification(input.PushNotification);
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireMember(access, 'send messages');
  const channelArn = access.channel.arn;
  const subChannelId = subChannelOf(access.channel, input.SubChannelId);
  const targetJson = targetJsonOf(backend, channelArn, input.Target);

  let created: { row: MessageWithSender; recipients: string[] } | undefined;
  const output = backend.transaction(() =>
    idempotent(backend, `SendChannelMessage|${channelArn}`, input.ClientRequestToken, input, () => {
      const now = backend.now();
      const row: MessageWithSender = {
        seq: 0,
        channel_arn: channelArn,
        message_id: backend.newId(),
        content: input.Content as string,
        metadata: input.Metadata || null,
        type: input.Type as MessageType,
        persistence: input.Persistence as 'PERSISTENT' | 'NON_PERSISTENT',
        sender_arn: access.bearer.arn,
        sender_name: access.bearer.name,
        created_at: now,
        updated_at: now,
        edited_at: null,
        redacted: 0,
        status_json: SENT_STATUS_JSON,
        attributes_json: input.MessageAttributes ? JSON.stringify(input.MessageAttributes) : null,
        push_json: input.PushNotification ? JSON.stringify(input.PushNotification) : null,
        content_type: input.ContentType ?? null,
        target_json: targetJson,
        sub_channel_id: subChannelId,
      };
      if (row.persistence === 'PERSISTENT') {
        const s = statements(backend);
        const { seq: _seq, sender_name: _name, edited_at: _edited, redacted: _redacted, ...columns } = row;
        s.insert.run(columns);
        s.touchChannel.run(now, channelArn);
      }
      created = { row, recipients: recipientsOf(backend, row) };
      return { ChannelArn: channelArn, MessageId: row.message_id, Status: SENT_STATUS, SubChannelId: subChannelId ?? undefined };
    }),
  );
  // A replayed ClientRequestToken created nothing, so it announces nothing.
  if (created) backend.events.publish(messageEvent('CREATE_CHANNEL_MESSAGE', created.row, created.recipients));
  return output;
}

function getChannelMessage(backend: Backend, input: GetChannelMessageRequest): Output<GetChannelMessageResponse> {
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireReader(access);
  subChannelOf(access.channel, input.SubChannelId);
  const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn);
  return { ChannelMessage: channelMessageOf(row) };
}

function listChannelMessages(backend: Backend, input: ListChannelMessagesRequest): Output<ListChannelMessagesResponse> {
  assertEnum('SortOrder', input.SortOrder, SORT_ORDERS);
  const limit = pageSize(input.MaxResults);
  assertLength('NextToken', input.NextToken, 0, 2048);
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireReader(access);
  const channelArn = access.channel.arn;
  const subChannel = subChannelOf(access.channel, input.SubChannelId);
  const sort: SortOrder = input.SortOrder ?? 'DESCENDING';
  // NotBefore after NotAfter bounds nothing: an empty page, not an error.
  const low = input.NotBefore?.getTime() ?? Number.MIN_SAFE_INTEGER;
  const high = input.NotAfter?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const scope = `ListChannelMessages|${channelArn}|${sort}|${low}|${high}|${subChannel ?? ''}`;
  const descending = sort === 'DESCENDING';
  let at = descending ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  let seq = descending ? Number.MAX_SAFE_INTEGER : 0;
  if (input.NextToken) {
    const position = backend.tokens.decode<PagePosition>(scope, input.NextToken);
    if (!Array.isArray(position) || position.length !== 2 || !position.every(Number.isSafeInteger)) {
      throw badRequest('The NextToken is not valid for this request.');
    }
    [at, seq] = position;
  }
  const json = statements(backend).page[sort].all({
    channel: channelArn,
    // The keyset bound folded into the time range lets the index scan start at the resume point.
    low: descending ? low : Math.max(low, at),
    high: descending ? Math.min(high, at) : high,
    subChannel,
    bearer: access.bearer.arn,
    at,
    seq,
    limit: limit + 1,
  }) as string[];
  const rows = json.map((row) => JSON.parse(row) as MessageSummaryRow);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const last = rows[rows.length - 1];
  return {
    ChannelArn: channelArn,
    ChannelMessages: rows.map(channelMessageSummaryOf),
    NextToken: more ? backend.tokens.encode(scope, [last.created_at, last.seq] satisfies PagePosition) : undefined,
    SubChannelId: subChannel ?? undefined,
  };
}

function updateChannelMessage(backend: Backend, input: UpdateChannelMessageRequest): Output<UpdateChannelMessageResponse> {
  assertLength('ContentType', input.ContentType, 0, CONTENT_TYPE_CHARS);
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireMember(access, 'edit messages');
  subChannelOf(access.channel, input.SubChannelId);
  const updated = backend.transaction(() => {
    const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn);
    if (row.sender_arn !== access.bearer.arn) throw forbidden(`Only the sender of message ${row.message_id} may edit it.`);
    if (row.redacted) throw conflict(`Message ${row.message_id} was redacted and can no longer be edited.`);
    // Omitted Metadata and ContentType keep their values; Content is required.
    const metadata = input.Metadata === undefined ? row.metadata : input.Metadata || null;
    assertBody(row.type, input.Content, metadata ?? undefined);
    const now = backend.now();
    const next: MessageWithSender = {
      ...row,
      content: input.Content as string,
      metadata,
      content_type: input.ContentType ?? row.content_type,
      edited_at: now,
      updated_at: now,
    };
    statements(backend).edit.run(next.content, next.metadata, next.content_type, now, now, row.seq);
    return { row: next, recipients: recipientsOf(backend, next) };
  });
  backend.events.publish(messageEvent('UPDATE_CHANNEL_MESSAGE', updated.row, updated.recipients));
  return { ChannelArn: updated.row.channel_arn, MessageId: updated.row.message_id, Status: SENT_STATUS, SubChannelId: updated.row.sub_channel_id ?? undefined };
}

function redactChannelMessage(backend: Backend, input: RedactChannelMessageRequest): Output<RedactChannelMessageResponse> {
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  subChannelOf(access.channel, input.SubChannelId);
  const redacted = backend.transaction(() => {
    const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn);
    const ownMessage = row.sender_arn === access.bearer.arn && access.membership !== undefined && !access.banned;
    if (!access.admin && !access.moderator && !ownMessage) {
      throw forbidden(`Only an AppInstanceAdmin, a channel moderator or the sender may redact message ${row.message_id}.`);
    }
    // Redacting twice changes nothing and announces nothing.
    if (row.redacted) return undefined;
    const now = backend.now();
    const next: MessageWithSender = { ...row, content: '', metadata: null, redacted: 1, updated_at: now };
    statements(backend).redact.run(now, row.seq);
    return { row: next, recipients: recipientsOf(backend, next) };
  });
  if (redacted) backend.events.publish(messageEvent('REDACT_CHANNEL_MESSAGE', redacted.row, redacted.recipients));
  return { ChannelArn: access.channel.arn, MessageId: input.MessageId, SubChannelId: input.SubChannelId };
}

function deleteChannelMessage(backend: Backend, input: DeleteChannelMessageRequest): void {
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  if (!access.admin) throw forbidden('Only an AppInstanceAdmin may delete channel messages.');
  subChannelOf(access.channel, input.SubChannelId);
  const deleted = backend.transaction(() => {
    // No viewer filter: admins may delete targeted messages they cannot see.
    const row = requireMessage(backend, access.channel.arn, input.MessageId);
    statements(backend).remove.run(row.seq);
    return { row, recipients: recipientsOf(backend, row) };
  });
  backend.events.publish(messageEvent('DELETE_CHANNEL_MESSAGE', deleted.row, deleted.recipients));
}

function updateChannelReadMarker(backend: Backend, input: UpdateChannelReadMarkerRequest): Output<UpdateChannelReadMarkerResponse> {
  const access = messageAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireMember(access, 'update a read marker');
  statements(backend).readMarker.run(backend.now(), access.channel.arn, access.bearer.arn);
  return { ChannelArn: access.channel.arn };
}

/** Message and read-marker operations, by AWS operation name. */
export const messageOperations: OperationTable = {
  SendChannelMessage: sendChannelMessage,
  GetChannelMessage: getChannelMessage,
  ListChannelMessages: listChannelMessages,
  UpdateChannelMessage: updateChannelMessage,
  RedactChannelMessage: redactChannelMessage,
  DeleteChannelMessage: deleteChannelMessage,
  UpdateChannelReadMarker: updateChannelReadMarker,
};
