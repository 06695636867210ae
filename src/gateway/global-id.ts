/**
 * Opaque global ids: base64url of the type name and the Chime keys that name
 * the object (its ARN; for objects inside a channel, the channel ARN and the
 * member ARN or message id; for the Amazon Chime rooms API, which has no
 * ARNs, the AccountId and the room, user or member ids), separated by
 * newlines, which no ARN or Chime id can hold.
 */
import { badInput } from './errors';

/** The types that implement `Node`. */
export type NodeType =
  | 'AppInstance'
  | 'AppInstanceUser'
  | 'AppInstanceBot'
  | 'Channel'
  | 'ChannelMembership'
  | 'ChannelModerator'
  | 'ChannelBan'
  | 'ChannelMessage'
  | 'ChannelFlow'
  | 'ChimeAccount'
  | 'ChimeUser'
  | 'Room'
  | 'RoomMembership';

/** How many keys each type's id holds. */
const KEY_COUNT: Record<NodeType, number> = {
  AppInstance: 1,
  AppInstanceUser: 1,
  AppInstanceBot: 1,
  Channel: 1,
  ChannelMembership: 2,
  ChannelModerator: 2,
  ChannelBan: 2,
  ChannelMessage: 2,
  ChannelFlow: 1,
  ChimeAccount: 1,
  ChimeUser: 2,
  Room: 2,
  RoomMembership: 3,
};

/** The types whose keys are Amazon Chime (2018 API) ids rather than ARNs. */
export const CHIME_ID_TYPES: ReadonlySet<NodeType> = new Set(['ChimeAccount', 'ChimeUser', 'Room', 'RoomMembership']);

/** A decoded global id. */
export interface GlobalId {
  type: NodeType;
  /** The ARN, or [channel ARN, member ARN | message id], or [AccountId, room | user id, member id]. */
  keys: string[];
}

/** Encodes a global id. */
export function toGlobalId(type: NodeType, ...keys: string[]): string {
  return Buffer.from([type, ...keys].join('\n'), 'utf8').toString('base64url');
}

/**
 * Decodes a global id, optionally requiring one of `expected` types. A
 * malformed id, or one of another type, is BAD_USER_INPUT naming `field`.
 */
export function fromGlobalId(id: string, field: string, expected?: readonly NodeType[]): GlobalId {
  const parts = /^[A-Za-z0-9_-]{1,4096}$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8').split('\n') : [];
  const type = parts[0] as NodeType;
  if (!Object.prototype.hasOwnProperty.call(KEY_COUNT, type) || parts.length !== KEY_COUNT[type] + 1 || parts.some((p) => p === '')) {
    throw badInput(field, `${field} is not a valid global id: "${id.slice(0, 100)}".`);
  }
  if (expected && !expected.includes(type)) {
    throw badInput(field, `${field} must be the id of a ${expected.join(' or ')}, got the id of a ${type}.`);
  }
  return { type, keys: parts.slice(1) };
}

/** The AppInstance ARN a user, bot or channel ARN belongs to, or undefined if it has none. */
export function appInstanceOf(arn: string): string | undefined {
  return /^(arn:[^:]*:chime:[^:]*:[^:]*:app-instance\/[^/]+)(\/|$)/.exec(arn)?.[1];
}

/** Whether an identity ARN names a bot (`.../bot/<id>`) rather than a user. */
export function isBotArn(arn: string): boolean {
  return /:app-instance\/[^/]+\/bot\//.test(arn);
}
