/**
 * Channel messages and read markers: SendChannelMessage, GetChannelMessage,
 * ListChannelMessages, UpdateChannelMessage, RedactChannelMessage,
 * DeleteChannelMessage, GetChannelMessageStatus and UpdateChannelReadMarker.
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
 * - Channel flows (flow-processing.ts): in a channel with a flow, a new or
 *   edited STANDARD message answers Status PENDING and only its sender hears
 *   of it (PENDING_ events) until the processors are done. A PENDING or
 *   FAILED message is its sender's alone: listed, readable and redactable by
 *   nobody else (admins included, who may still delete it), as the guide's
 *   "Message sender only" says of its events. It cannot be edited until
 *   SENT, nor edited again while an edit is in processing (Conflict).
 *   GetChannelMessageStatus is the sender's only; a denied message is not
 *   kept, so its status is NotFound.
 * - Elastic channels ("Using elastic channels", "Managing elastic channel
 *   members"): every message belongs to a sub-channel and reaches only its
 *   members. A regular member writes to their own sub-channel (SubChannelId
 *   optional, and if given it must be theirs); a moderator names one of the
 *   sub-channels it joined (required). Reading a sub-channel is for its
 *   members, the channel's moderators and AppInstanceAdmins ("Moderators can
 *   view all messages in all sub-channels"); a regular member naming none
 *   reads their own, and listing needs a SubChannelId for anyone else.
 *
 * Statements are prepared once per backend (the send and list paths are the
 * hot ones), and listings walk the (channel_arn, created_at, seq) index.
 */
import type {
  DeleteChannelMessageRequest,
  GetChannelMessageRequest,
  GetChannelMessageResponse,
  GetChannelMessageStatusRequest,
  GetChannelMessageStatusResponse,
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
import { ChannelAccess, channelAccess } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { InvocationRow, messageOf, waitingInvocationOf } from './flow-processing';
import { flowProcessor } from './flow-processor';
import { idempotent } from './idempotency';
import {
  channelMessageOf,
  channelMessageSummaryOf,
  isSent,
  messageEvent,
  messageRecipients,
  MessageSummaryRow,
  MessageWithSender,
  PENDING_STATUS,
  PENDING_STATUS_JSON,
  SENT_STATUS,
  SENT_STATUS_JSON,
  statusOf,
} from './message-view';
import { OperationTable, Output } from './operation';
import { isInSubChannel } from './sub-channels';
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
  insert: Statement;
  touchChannel: Statement;
  byId: Statement;
  edit: Statement;
  redact: Statement;
  remove: Statement;
  memberOf: Statement;
  readMarker: Statement;
  /** Page statements by `sort limit`, prepared on first use. */
  pages: Map<string, Statement>;
  senderName: Statement;
}

const prepared = new WeakMap<Backend, MessageStatements>();

const SENDER_NAME = `COALESCE((SELECT name FROM app_instance_users WHERE arn = m.sender_arn),
  (SELECT name FROM app_instance_bots WHERE arn = m.sender_arn), '')`;

/** Columns of a listing, in the order `summaryRowOf` reads them; the sender's name is looked up per page. */
const SUMMARY_COLUMNS = [
  'seq', 'message_id', 'content', 'metadata', 'type', 'created_at', 'updated_at', 'edited_at',
  'sender_arn', 'redacted', 'status_json', 'attributes_json', 'content_type', 'target_json',
] as const satisfies readonly Exclude<keyof MessageSummaryRow, 'sender_name'>[];

// A listing row travels as one JSON array built by SQLite: better-sqlite3
// pays per column value, and parsing one array per row costs less than 14
// values (or a JSON object, whose keys are parsed too). The sender's name is
// read once per distinct sender of the page, not by two subqueries per row.
const SUMMARY_SELECT = `json_array(${SUMMARY_COLUMNS.map((c) => `m.${c}`).join(', ')})`;

/** A listing row from its values in SUMMARY_COLUMNS order. */
function summaryRowOf(v: unknown[], senderName: string): MessageSummaryRow {
  return {
    seq: v[0] as number,
    message_id: v[1] as string,
    content: v[2] as string,
    metadata: v[3] as string | null,
    type: v[4] as MessageType,
    created_at: v[5] as number,
    updated_at: v[6] as number,
    edited_at: v[7] as number | null,
    sender_arn: v[8] as string,
    sender_name: senderName,
    redacted: v[9] as number,
    status_json: v[10] as string | null,
    attributes_json: v[11] as string | null,
    content_type: v[12] as string | null,
    target_json: v[13] as string | null,
  };
}

// Keyset page: bounds are inclusive; `(created_at, seq)` strictly past the
// last row already returned, so rows arriving meanwhile cause no gap or repeat.
// Targeted messages show only to sender and target, unsent ones to the sender.
const PAGE = `SELECT ${SUMMARY_SELECT} FROM channel_messages m
  WHERE m.channel_arn = @channel
    AND m.created_at >= @low AND m.created_at <= @high
    AND m.sub_channel_id IS @subChannel
    AND (m.target_json IS NULL OR m.sender_arn = @bearer OR json_extract(m.target_json, '$[0].MemberArn') = @bearer)
    AND (m.status_json = @sent OR m.status_json IS NULL OR m.sender_arn = @bearer)`;

function statements(backend: Backend): MessageStatements {
  let s = prepared.get(backend);
  if (s) return s;
  const db = backend.db;
  s = {
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
    memberOf: db.prepare('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?'),
    readMarker: db.prepare('UPDATE channel_memberships SET read_marker_at = ? WHERE channel_arn = ? AND member_arn = ?'),
    pages: new Map(),
    senderName: db.prepare(`SELECT ${SENDER_NAME.replaceAll('m.sender_arn', '@arn')}`).pluck(),
  };
  prepared.set(backend, s);
  return s;
}

/**
 * The page statement for a sort order and row count. The LIMIT is written
 * into the SQL, not bound: the SQLite better-sqlite3 ships (3.53) plans with
 * a bound LIMIT's value, so binding one re-prepares the statement on every
 * call, which cost more than reading the whole page.
 */
function pageStatement(s: MessageStatements, db: Backend['db'], sort: SortOrder, rows: number): Statement {
  const key = `${sort} ${rows}`;
  let stmt = s.pages.get(key);
  if (!stmt) {
    if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`page size must be a positive integer, got ${rows}`);
    stmt = db
      .prepare(
        sort === 'DESCENDING'
          ? `${PAGE} AND (m.created_at, m.seq) < (@at, @seq) ORDER BY m.created_at DESC, m.seq DESC LIMIT ${rows}`
          : `${PAGE} AND (m.created_at, m.seq) > (@at, @seq) ORDER BY m.created_at ASC, m.seq ASC LIMIT ${rows}`,
      )
      .pluck();
    s.pages.set(key, stmt);
  }
  return stmt;
}

// ---------------------------------------------------------------------------
// Who may do what.

/** Members send, edit and mark read; a ban or no membership is Forbidden. */
function requireMember(access: ChannelAccess, action: string): asserts access is ChannelAccess & { membership: MembershipRow } {
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

/** Who may see a stored message: targeted ones only sender and target, unsent ones (channel flows) only the sender. */
function isVisibleTo(row: MessageWithSender, viewer: string): boolean {
  if (row.sender_arn === viewer) return true;
  return isSent(row) && (row.target_json === null || targetArnOf(row) === viewer);
}

/** A MessageId or SubChannelId: 1..128 of `[-_a-zA-Z0-9]`. */
export function assertMessageIdentifier(parameter: string, value: string | undefined): void {
  assertLength(parameter, value, 1, 128);
  assertPattern(parameter, value, ID_CHARACTERS);
}

/**
 * Loads a stored message. With `viewer`, one the viewer may not see is
 * NotFound too, as if it did not exist; with `subChannel` (not undefined),
 * so is one of another sub-channel.
 */
function requireMessage(
  backend: Backend,
  channelArn: string,
  messageId: string | undefined,
  viewer?: string,
  subChannel?: string | null,
): MessageWithSender {
  assertMessageIdentifier('MessageId', messageId);
  const row = statements(backend).byId.get(channelArn, messageId) as MessageWithSender | undefined;
  const hidden = row !== undefined && ((viewer !== undefined && !isVisibleTo(row, viewer)) || (subChannel !== undefined && row.sub_channel_id !== subChannel));
  if (!row || hidden) throw notFound(`Message ${messageId} not found in channel ${channelArn}${subChannel ? ` SubChannel ${subChannel}` : ''}.`);
  return row;
}

/**
 * SubChannelId names a part of an elastic channel; on any other channel it is
 * a BadRequest rather than silently ignored.
 */
function subChannelOf(channel: ChannelRow, subChannelId: string | undefined): string | null {
  if (subChannelId === undefined) return null;
  assertMessageIdentifier('SubChannelId', subChannelId);
  if (channel.elastic_json === null) throw badRequest(`SubChannelId is only valid for elastic channels; ${channel.arn} is not one.`);
  return subChannelId;
}

/**
 * The sub-channel a member sends to: null on a standard channel; in an
 * elastic one, the one named, which the sender must be in, or else a
 * regular member's own (a moderator, who may be in several, must name one).
 */
function sendingSubChannel(backend: Backend, access: ChannelAccess & { membership: MembershipRow }, subChannelId: string | undefined): string | null {
  const named = subChannelOf(access.channel, subChannelId);
  if (access.channel.elastic_json === null) return null;
  const own = access.membership.sub_channel_id;
  if (named === null) {
    if (own !== null) return own;
    throw badRequest(`SubChannelId is required: ${access.bearer.arn} moderates elastic channel ${access.channel.arn} and sends to one of the sub-channels it joined.`);
  }
  if (!isInSubChannel(backend, access.membership, named)) {
    throw forbidden(`${access.bearer.arn} is not in sub-channel ${named} of channel ${access.channel.arn}.`);
  }
  return named;
}

/**
 * The sub-channel a reader sees (after `requireReader`): null on a standard
 * channel; in an elastic one, the one named, readable by its members, the
 * channel's moderators and AppInstanceAdmins, or else a regular member's
 * own. Undefined: every sub-channel, for moderators and admins naming none.
 */
function readingSubChannel(backend: Backend, access: ChannelAccess, subChannelId: string | undefined): string | null | undefined {
  const named = subChannelOf(access.channel, subChannelId);
  if (access.channel.elastic_json === null) return null;
  const overseer = access.admin || access.moderator;
  if (named !== null) {
    if (overseer || (access.membership && isInSubChannel(backend, access.membership, named))) return named;
    throw forbidden(`Only members of sub-channel ${named}, moderators and AppInstanceAdmins may read the messages of sub-channel ${named} of channel ${access.channel.arn}.`);
  }
  if (access.membership?.sub_channel_id) return access.membership.sub_channel_id;
  if (overseer) return undefined;
  throw forbidden(`Only members of the sub-channels of elastic channel ${access.channel.arn}, its moderators and AppInstanceAdmins may read its messages.`);
}

// ---------------------------------------------------------------------------
// Validation of message bodies, shared with ChannelFlowCallback.

/** Content and metadata limits of a message type; Content itself is required (non-empty) by the model. */
export function assertMessageBody(type: MessageType, content: string | undefined, metadata: string | undefined): void {
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
export function assertMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): void {
  if (!attributes) return;
  for (const [name, value] of Object.entries(attributes)) {
    assertLength('MessageAttributes name', name, 1, 64);
    for (const s of value.StringValues ?? []) assertLength(`MessageAttributes.${name}.StringValues[]`, s, 1, 512);
  }
}

/** PushNotification: Title 1..50, Body 1..150 characters, Type DEFAULT or VOIP (2023 model). */
export function assertPushNotification(push: PushNotificationConfiguration | undefined): void {
  if (!push) return;
  assertLength('PushNotification.Title', push.Title, 1, 50);
  assertLength('PushNotification.Body', push.Body, 1, 150);
  assertEnum('PushNotification.Type', push.Type, PUSH_TYPES);
}

/** ContentType: 0..45 characters (2023 model). */
export function assertContentType(contentType: string | undefined): void {
  assertLength('ContentType', contentType, 0, CONTENT_TYPE_CHARS);
}

/** Target: exactly one entry naming a current member of the channel (the sender included), in the message's sub-channel if it has one. */
function targetJsonOf(backend: Backend, channelArn: string, subChannel: string | null, target: Target[] | undefined): string | null {
  if (target === undefined) return null;
  if (target.length !== 1) throw badRequest(`Target must hold exactly 1 entry, got ${target.length}.`);
  const arn = target[0].MemberArn;
  if (!arn) throw badRequest('Target[0].MemberArn is required.');
  assertChimeArn('Target[0].MemberArn', arn);
  const membership = statements(backend).memberOf.get(channelArn, arn) as MembershipRow | undefined;
  if (!membership) throw badRequest(`Target[0].MemberArn ${arn} is not a member of channel ${channelArn}.`);
  if (subChannel !== null && !isInSubChannel(backend, membership, subChannel)) {
    throw badRequest(`Target[0].MemberArn ${arn} is not in sub-channel ${subChannel} of channel ${channelArn}.`);
  }
  return JSON.stringify([{ MemberArn: arn }]);
}

// ---------------------------------------------------------------------------
// Operations.

function sendChannelMessage(backend: Backend, input: SendChannelMessageRequest): Output<SendChannelMessageResponse> {
  assertEnum('Type', input.Type, MESSAGE_TYPES);
  assertEnum('Persistence', input.Persistence, PERSISTENCE_TYPES);
  assertMessageBody(input.Type as MessageType, input.Content, input.Metadata);
  assertContentType(input.ContentType);
  assertClientRequestToken(input.ClientRequestToken);
  assertMessageAttributes(input.MessageAttributes);
  assertPushNotification(input.PushNotification);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireMember(access, 'send messages');
  const channelArn = access.channel.arn;
  const subChannelId = sendingSubChannel(backend, access, input.SubChannelId);
  const targetJson = targetJsonOf(backend, channelArn, subChannelId, input.Target);
  const flows = flowProcessor(backend);

  let created: { row: MessageWithSender; recipients: string[]; invocation?: InvocationRow } | undefined;
  const output = backend.transaction(() =>
    idempotent(backend, `SendChannelMessage|${channelArn}`, input.ClientRequestToken, input, () => {
      const now = backend.now();
      let row: MessageWithSender = {
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
      const invocation = flows.enter('CREATE', access.channel, row);
      if (invocation) row = { ...row, status_json: PENDING_STATUS_JSON };
      if (row.persistence === 'PERSISTENT') {
        const s = statements(backend);
        const { seq: _seq, sender_name: _name, edited_at: _edited, redacted: _redacted, ...columns } = row;
        s.insert.run(columns);
        // A message in processing is not yet the channel's last message.
        if (!invocation) s.touchChannel.run(now, channelArn);
      }
      created = { row, recipients: messageRecipients(backend, row), invocation };
      return { ChannelArn: channelArn, MessageId: row.message_id, Status: invocation ? PENDING_STATUS : SENT_STATUS, SubChannelId: subChannelId ?? undefined };
    }),
  );
  // A replayed ClientRequestToken created nothing, so it announces nothing.
  if (created?.invocation) {
    backend.events.publish(messageEvent('PENDING_CREATE_CHANNEL_MESSAGE', created.row, created.recipients));
    flows.start(created.invocation);
  } else if (created) {
    backend.events.publish(messageEvent('CREATE_CHANNEL_MESSAGE', created.row, created.recipients));
  }
  return output;
}

function getChannelMessage(backend: Backend, input: GetChannelMessageRequest): Output<GetChannelMessageResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireReader(access);
  const subChannel = readingSubChannel(backend, access, input.SubChannelId);
  const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn, subChannel);
  return { ChannelMessage: channelMessageOf(row) };
}

function listChannelMessages(backend: Backend, input: ListChannelMessagesRequest): Output<ListChannelMessagesResponse> {
  assertEnum('SortOrder', input.SortOrder, SORT_ORDERS);
  const limit = pageSize(input.MaxResults);
  assertLength('NextToken', input.NextToken, 0, 2048);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireReader(access);
  const channelArn = access.channel.arn;
  const subChannel = readingSubChannel(backend, access, input.SubChannelId);
  if (subChannel === undefined) {
    throw badRequest(`SubChannelId is required to list the messages of elastic channel ${channelArn}: each sub-channel has its own.`);
  }
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
  const s = statements(backend);
  const values = pageStatement(s, backend.db, sort, limit + 1).all({
    channel: channelArn,
    // The keyset bound folded into the time range lets the index scan start at the resume point.
    low: descending ? low : Math.max(low, at),
    high: descending ? Math.min(high, at) : high,
    subChannel,
    bearer: access.bearer.arn,
    sent: SENT_STATUS_JSON,
    at,
    seq,
  }) as string[];
  const names = new Map<string, string>();
  const rows = values.map((json) => {
    const v = JSON.parse(json) as unknown[];
    const sender = v[8] as string;
    let name = names.get(sender);
    if (name === undefined) {
      name = s.senderName.get({ arn: sender }) as string;
      names.set(sender, name);
    }
    return summaryRowOf(v, name);
  });
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
  assertContentType(input.ContentType);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireMember(access, 'edit messages');
  const subChannel = subChannelOf(access.channel, input.SubChannelId);
  const flows = flowProcessor(backend);
  const updated = backend.transaction(() => {
    const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn, subChannel ?? undefined);
    if (row.sender_arn !== access.bearer.arn) throw forbidden(`Only the sender of message ${row.message_id} may edit it.`);
    if (row.redacted) throw conflict(`Message ${row.message_id} was redacted and can no longer be edited.`);
    if (!isSent(row)) throw conflict(`Message ${row.message_id} is ${statusOf(row.status_json).Value}; only a SENT message can be edited.`);
    if (waitingInvocationOf(backend, row.channel_arn, row.message_id)) {
      throw conflict(`An earlier edit of message ${row.message_id} is still being processed by the channel flow.`);
    }
    // Omitted Metadata and ContentType keep their values; Content is required.
    const metadata = input.Metadata === undefined ? row.metadata : input.Metadata || null;
    assertMessageBody(row.type, input.Content, metadata ?? undefined);
    const now = backend.now();
    const next: MessageWithSender = {
      ...row,
      content: input.Content as string,
      metadata,
      content_type: input.ContentType ?? row.content_type,
      edited_at: now,
      updated_at: now,
    };
    // In a channel with a flow the edit waits for the processors; the stored message stays as it was.
    const invocation = flows.enter('UPDATE', access.channel, next);
    if (invocation) return { row: { ...next, status_json: PENDING_STATUS_JSON }, recipients: [row.sender_arn], invocation };
    statements(backend).edit.run(next.content, next.metadata, next.content_type, now, now, row.seq);
    return { row: next, recipients: messageRecipients(backend, next), invocation };
  });
  if (updated.invocation) {
    backend.events.publish(messageEvent('PENDING_UPDATE_CHANNEL_MESSAGE', updated.row, updated.recipients));
    flows.start(updated.invocation);
  } else {
    backend.events.publish(messageEvent('UPDATE_CHANNEL_MESSAGE', updated.row, updated.recipients));
  }
  return {
    ChannelArn: updated.row.channel_arn,
    MessageId: updated.row.message_id,
    Status: updated.invocation ? PENDING_STATUS : SENT_STATUS,
    SubChannelId: updated.row.sub_channel_id ?? undefined,
  };
}

function redactChannelMessage(backend: Backend, input: RedactChannelMessageRequest): Output<RedactChannelMessageResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const subChannel = subChannelOf(access.channel, input.SubChannelId);
  const redacted = backend.transaction(() => {
    const row = requireMessage(backend, access.channel.arn, input.MessageId, access.bearer.arn, subChannel ?? undefined);
    const ownMessage = row.sender_arn === access.bearer.arn && access.membership !== undefined && !access.banned;
    if (!access.admin && !access.moderator && !ownMessage) {
      throw forbidden(`Only an AppInstanceAdmin, a channel moderator or the sender may redact message ${row.message_id}.`);
    }
    // Redacting twice changes nothing and announces nothing.
    if (row.redacted) return undefined;
    const now = backend.now();
    const next: MessageWithSender = { ...row, content: '', metadata: null, redacted: 1, updated_at: now };
    statements(backend).redact.run(now, row.seq);
    return { row: next, recipients: messageRecipients(backend, next) };
  });
  if (redacted) backend.events.publish(messageEvent('REDACT_CHANNEL_MESSAGE', redacted.row, redacted.recipients));
  return { ChannelArn: access.channel.arn, MessageId: input.MessageId, SubChannelId: input.SubChannelId };
}

function deleteChannelMessage(backend: Backend, input: DeleteChannelMessageRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  if (!access.admin) throw forbidden('Only an AppInstanceAdmin may delete channel messages.');
  const subChannel = subChannelOf(access.channel, input.SubChannelId);
  const deleted = backend.transaction(() => {
    // No viewer filter: admins may delete targeted messages they cannot see.
    const row = requireMessage(backend, access.channel.arn, input.MessageId, undefined, subChannel ?? undefined);
    statements(backend).remove.run(row.seq);
    return { row, recipients: messageRecipients(backend, row) };
  });
  backend.events.publish(messageEvent('DELETE_CHANNEL_MESSAGE', deleted.row, deleted.recipients));
}

/**
 * The processing status of a message (channel flows), for its sender only.
 * PENDING while a new message or an edit waits for the processors; a denied
 * message is not kept, so it is NotFound (as is a NON_PERSISTENT one once
 * processed), although the model lists no NotFoundException.
 */
function getChannelMessageStatus(backend: Backend, input: GetChannelMessageStatusRequest): Output<GetChannelMessageStatusResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const subChannel = subChannelOf(access.channel, input.SubChannelId);
  assertMessageIdentifier('MessageId', input.MessageId);
  const channelArn = access.channel.arn;
  const waiting = waitingInvocationOf(backend, channelArn, input.MessageId as string);
  const message = waiting ? messageOf(waiting) : (statements(backend).byId.get(channelArn, input.MessageId) as MessageWithSender | undefined);
  if (!message || (subChannel !== null && message.sub_channel_id !== subChannel)) {
    throw notFound(`Message ${input.MessageId} not found in channel ${channelArn}${subChannel ? ` SubChannel ${subChannel}` : ''}.`);
  }
  if (message.sender_arn !== access.bearer.arn) throw forbidden(`Only the sender of message ${input.MessageId} may get its status.`);
  return { Status: waiting ? PENDING_STATUS : statusOf(message.status_json) };
}

function updateChannelReadMarker(backend: Backend, input: UpdateChannelReadMarkerRequest): Output<UpdateChannelReadMarkerResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
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
  GetChannelMessageStatus: getChannelMessageStatus,
  UpdateChannelReadMarker: updateChannelReadMarker,
};
