/**
 * What each GraphQL object type wraps (codegen `mappers`): the Chime keys
 * that name the object plus whatever SDK shapes are already known for it.
 * Field resolvers read the known shapes first and load the rest, so an
 * object that came from a list costs nothing more until a field needs a
 * describe call.
 */
import type { Account, Room, RoomMembership, User } from '@aws-sdk/client-chime';
import type {
  Channel,
  ChannelBan,
  ChannelFlow,
  ChannelFlowSummary,
  ChannelMembership,
  ChannelMembershipType,
  ChannelMessage,
  ChannelMessageSummary,
  ChannelModerator,
  ChannelSummary,
  Identity,
} from '@aws-sdk/client-chime-sdk-messaging';
import { isBotArn } from '../global-id';

/** An AppInstance, known by ARN. */
export interface AppInstanceModel {
  kind: 'AppInstance';
  arn: string;
}

/** An AppInstanceUser or AppInstanceBot, with the name Chime's `Identity` carried, if any. */
export interface IdentityModel {
  kind: 'AppInstanceUser' | 'AppInstanceBot';
  arn: string;
  name?: string;
}

/** A channel: its ARN, and what is known of it. */
export interface ChannelModel {
  kind: 'Channel';
  arn: string;
  /** From a list call. */
  summary?: ChannelSummary;
  /** From DescribeChannel (a superset of the summary). */
  channel?: Channel;
}

/** A membership: channel and member, and what is known of it. */
export interface MembershipModel {
  kind: 'ChannelMembership';
  channelArn: string;
  member: IdentityModel;
  /** Known from the listing (e.g. a DEFAULT-only list) or a user's membership summary. */
  type?: ChannelMembershipType;
  /** DescribeChannelMembership's answer, if already fetched. */
  details?: ChannelMembership;
  /** The member's read marker when known: a Date, null for "never read", undefined for "not fetched". */
  readMarkerAt?: Date | null;
  /** The member's sub-channel when known (listed by sub-channel, or from the member's own view); null for none. */
  subChannelId?: string | null;
}

/** A moderator: channel and moderator identity, and DescribeChannelModerator's answer if fetched. */
export interface ModeratorModel {
  kind: 'ChannelModerator';
  channelArn: string;
  moderator: IdentityModel;
  details?: ChannelModerator;
}

/** A ban: channel and banned identity, and DescribeChannelBan's answer if fetched. */
export interface BanModel {
  kind: 'ChannelBan';
  channelArn: string;
  member: IdentityModel;
  details?: ChannelBan;
}

/** A message as GetChannelMessage shapes it, its keys always present. */
export type LoadedMessage = ChannelMessage & { ChannelArn: string; MessageId: string };

/**
 * A message: its keys, and its content when known. Listed messages
 * (ChannelMessageSummary) gain their ChannelArn and PERSISTENT persistence,
 * which is all a listing can hold; a message just sent is loaded
 * (GetChannelMessage) only if a field needs it.
 */
export interface MessageModel {
  kind: 'ChannelMessage';
  channelArn: string;
  messageId: string;
  message?: LoadedMessage;
}

/** A message edge; a mutation's edge has no cursor yet, it is computed from the message when asked for. */
export interface MessageEdgeModel {
  cursor?: string;
  node: MessageModel;
}

/** A channel flow: its ARN, and what a list (summary) or DescribeChannelFlow said of it. */
export interface ChannelFlowModel {
  kind: 'ChannelFlow';
  arn: string;
  flow?: ChannelFlow | ChannelFlowSummary;
}

/** An Amazon Chime account (rooms API), and GetAccount's answer if fetched. */
export interface ChimeAccountModel {
  kind: 'ChimeAccount';
  accountId: string;
  account?: Account;
}

/** A user of an Amazon Chime account, and GetUser's answer if fetched. */
export interface ChimeUserModel {
  kind: 'ChimeUser';
  accountId: string;
  userId: string;
  user?: User;
}

/** A chat room of an Amazon Chime account, and GetRoom's answer if fetched. */
export interface RoomModel {
  kind: 'Room';
  accountId: string;
  roomId: string;
  room?: Room;
}

/** A member of a room (MemberId is a user or bot id), and the listed membership if known. */
export interface RoomMembershipModel {
  kind: 'RoomMembership';
  accountId: string;
  roomId: string;
  memberId: string;
  membership?: RoomMembership;
}

/** Any object that implements `Node`. */
export type NodeModel =
  | AppInstanceModel
  | IdentityModel
  | ChannelModel
  | MembershipModel
  | ModeratorModel
  | BanModel
  | MessageModel
  | ChannelFlowModel
  | ChimeAccountModel
  | ChimeUserModel
  | RoomModel
  | RoomMembershipModel;

/** An identity model from Chime's `{Arn, Name}` (or an ARN alone). */
export function identityModel(identity: Identity | string): IdentityModel {
  const { Arn: arn = '', Name: name } = typeof identity === 'string' ? { Arn: identity, Name: undefined } : identity;
  return { kind: isBotArn(arn) ? 'AppInstanceBot' : 'AppInstanceUser', arn, name: name || undefined };
}

/** A channel model from its ARN and whatever is known of it. */
export function channelModel(arn: string, known: { summary?: ChannelSummary; channel?: Channel } = {}): ChannelModel {
  return { kind: 'Channel', arn, ...known };
}

/** A message model from a listed or fetched message of a channel. */
export function messageModel(channelArn: string, message: ChannelMessage | ChannelMessageSummary): MessageModel {
  const messageId = message.MessageId ?? '';
  return {
    kind: 'ChannelMessage',
    channelArn,
    messageId,
    message: { Persistence: 'PERSISTENT', ...message, ChannelArn: channelArn, MessageId: messageId },
  };
}

/** A channel flow model from its ARN and what is known of it. */
export function channelFlowModel(arn: string, flow?: ChannelFlow | ChannelFlowSummary): ChannelFlowModel {
  return { kind: 'ChannelFlow', arn, flow };
}

/** A ChimeAccount model from its AccountId and what is known of it. */
export function chimeAccountModel(accountId: string, account?: Account): ChimeAccountModel {
  return { kind: 'ChimeAccount', accountId, account };
}

/** A ChimeUser model from its keys and what is known of it. */
export function chimeUserModel(accountId: string, userId: string, user?: User): ChimeUserModel {
  return { kind: 'ChimeUser', accountId, userId, user };
}

/** A Room model from its keys and what is known of it. */
export function roomModel(accountId: string, roomId: string, room?: Room): RoomModel {
  return { kind: 'Room', accountId, roomId, room };
}
