/**
 * Who the bearer is and what they are to a channel. Every messaging
 * operation starts here, so the rules of seed 000 ("the bearer must be an
 * AppInstanceAdmin, a moderator, a member...") read the same everywhere.
 */
import { forbidden, notFound } from '../errors';
import { ChannelRow, MembershipRow } from '../store/rows';
import { appInstanceOf, assertChimeArn } from './arns';
import { Backend } from './backend';

/** A verified caller: an AppInstanceUser or an AppInstanceBot. */
export interface Bearer {
  arn: string;
  appInstanceArn: string;
  name: string;
  kind: 'user' | 'bot';
}

/** What the bearer is to one channel. */
export interface ChannelAccess {
  channel: ChannelRow;
  bearer: Bearer;
  admin: boolean;
  moderator: boolean;
  membership: MembershipRow | undefined;
  banned: boolean;
}

/**
 * Resolves `x-amz-chime-bearer` to an existing user or bot. A malformed ARN is
 * a BadRequest; a well-formed one that names nobody is Forbidden, as Chime
 * answers for a bearer it cannot authorize.
 */
export function requireBearer(backend: Backend, arn: string | undefined): Bearer {
  if (!arn) throw forbidden('The x-amz-chime-bearer header is required.');
  assertChimeArn('ChimeBearer', arn);
  const user = backend.statement('SELECT arn, app_instance_arn, name FROM app_instance_users WHERE arn = ?').get(arn) as
    | { arn: string; app_instance_arn: string; name: string }
    | undefined;
  if (user) return { arn, appInstanceArn: user.app_instance_arn, name: user.name, kind: 'user' };
  const bot = backend.statement('SELECT arn, app_instance_arn, name FROM app_instance_bots WHERE arn = ?').get(arn) as
    | { arn: string; app_instance_arn: string; name: string | null }
    | undefined;
  if (bot) return { arn, appInstanceArn: bot.app_instance_arn, name: bot.name ?? '', kind: 'bot' };
  throw forbidden(`The bearer ${arn} is not an AppInstanceUser or AppInstanceBot.`);
}

/** True if `arn` is an AppInstanceAdmin of the AppInstance. */
export function isAppInstanceAdmin(backend: Backend, appInstanceArn: string, arn: string): boolean {
  return backend.statement('SELECT 1 FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?').get(appInstanceArn, arn) !== undefined;
}

/** Loads a channel or throws NotFound. */
export function requireChannel(backend: Backend, channelArn: string): ChannelRow {
  assertChimeArn('ChannelArn', channelArn);
  const channel = backend.statement('SELECT * FROM channels WHERE arn = ?').get(channelArn) as ChannelRow | undefined;
  if (!channel) throw notFound(`Channel ${channelArn} not found.`);
  return channel;
}

/** The channel row plus what the bearer is to it, read in one statement. */
type ChannelWithFlags = ChannelRow & { access_admin: number; access_moderator: number; access_banned: number };

// Every messaging call runs this: one statement instead of four (channel, admin, moderator, ban).
const CHANNEL_WITH_FLAGS = `SELECT c.*,
  EXISTS (SELECT 1 FROM app_instance_admins WHERE app_instance_arn = c.app_instance_arn AND admin_arn = @bearer) AS access_admin,
  EXISTS (SELECT 1 FROM channel_moderators WHERE channel_arn = c.arn AND moderator_arn = @bearer) AS access_moderator,
  EXISTS (SELECT 1 FROM channel_bans WHERE channel_arn = c.arn AND member_arn = @bearer) AS access_banned
  FROM channels c WHERE c.arn = @channel`;

/** Resolves bearer and channel together; a bearer from another AppInstance is Forbidden. */
export function channelAccess(backend: Backend, channelArn: string, bearerArn: string | undefined): ChannelAccess {
  const bearer = requireBearer(backend, bearerArn);
  assertChimeArn('ChannelArn', channelArn);
  const row = backend.statement(CHANNEL_WITH_FLAGS).get({ channel: channelArn, bearer: bearer.arn }) as ChannelWithFlags | undefined;
  if (!row) throw notFound(`Channel ${channelArn} not found.`);
  const { access_admin: admin, access_moderator: moderator, access_banned: banned, ...channel } = row;
  if (channel.app_instance_arn !== bearer.appInstanceArn) {
    throw forbidden(`The bearer does not belong to the AppInstance of channel ${channelArn}.`);
  }
  return {
    channel,
    bearer,
    admin: admin === 1,
    moderator: moderator === 1,
    membership: backend.statement('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').get(channelArn, bearer.arn) as
      | MembershipRow
      | undefined,
    banned: banned === 1,
  };
}

/** Throws Forbidden unless the bearer is an AppInstanceAdmin or a moderator of the channel. */
export function requireModeratorOrAdmin(access: ChannelAccess, action: string): void {
  if (!access.admin && !access.moderator) {
    throw forbidden(`Only an AppInstanceAdmin or a channel moderator may ${action}.`);
  }
}

/**
 * Throws Forbidden when the channel is PRIVATE and the bearer is none of its
 * members, moderators or AppInstanceAdmins: a private channel, and who
 * belongs to it, is not discoverable from outside. `action` completes "may ..."
 * in the message (e.g. `describe it`).
 */
export function requireChannelVisible(access: ChannelAccess, action: string): void {
  if (access.channel.privacy === 'PRIVATE' && !access.admin && !access.moderator && !access.membership) {
    throw forbidden(`Channel ${access.channel.arn} is PRIVATE: only its members, moderators and AppInstanceAdmins may ${action}.`);
  }
}

/** The ARNs that receive a channel's session events: its current members. */
export function channelRecipients(backend: Backend, channelArn: string): string[] {
  return (backend.statement('SELECT member_arn FROM channel_memberships WHERE channel_arn = ?').all(channelArn) as { member_arn: string }[]).map(
    (r) => r.member_arn,
  );
}

/** The AppInstance a user/bot/channel ARN belongs to; Forbidden if the ARN has none. */
export function requireAppInstanceOf(arn: string): string {
  const instance = appInstanceOf(arn);
  if (!instance) throw forbidden(`${arn} does not belong to an AppInstance.`);
  return instance;
}
