/**
 * Channel memberships: who belongs to a channel, who may add or remove whom
 * (seed 000 and the channel's Mode and Privacy), and a user's own view of the
 * channels they belong to.
 *
 * Who may add a member:
 * - AppInstanceAdmins and channel moderators: anyone, DEFAULT or HIDDEN, to any channel;
 * - a member of an UNRESTRICTED PUBLIC channel: anyone, DEFAULT only;
 * - anyone of the AppInstance: themselves, to an UNRESTRICTED PUBLIC channel (joining);
 * - nobody else: RESTRICTED and PRIVATE channels are filled by moderators and admins.
 * A banned user cannot be added by anyone until the ban is deleted.
 *
 * In elastic channels members belong to sub-channels: placement, balancing
 * and the sub-channel-scoped events are sub-channels.ts.
 */
import type {
  BatchCreateChannelMembershipError,
  BatchCreateChannelMembershipRequest,
  BatchCreateChannelMembershipResponse,
  ChannelMembershipForAppInstanceUserSummary,
  CreateChannelMembershipRequest,
  CreateChannelMembershipResponse,
  DeleteChannelMembershipRequest,
  DescribeChannelMembershipForAppInstanceUserRequest,
  DescribeChannelMembershipForAppInstanceUserResponse,
  DescribeChannelMembershipRequest,
  DescribeChannelMembershipResponse,
  Identity,
  ListChannelMembershipsForAppInstanceUserRequest,
  ListChannelMembershipsForAppInstanceUserResponse,
  ListChannelMembershipsRequest,
  ListChannelMembershipsResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, ChimeError, forbidden, notFound } from '../errors';
import { ChannelRow, MembershipRow } from '../store/rows';
import { Bearer, ChannelAccess, channelAccess, channelRecipients, isAppInstanceAdmin, requireBearer, requireChannelVisible } from './access';
import { appInstanceOf, assertChimeArn } from './arns';
import { Backend } from './backend';
import { channelSummaryOf } from './channel-view';
import { ChannelEvent } from './events';
import { keysetPage, pageRequest } from './keyset-page';
import {
  identityOf,
  insertMembership,
  isBanned,
  membershipEvent,
  membershipPayload,
  MembershipType,
  requireChannelIdentity,
} from './membership-store';
import { Output, OperationTable } from './operation';
import { IN_SUB_CHANNEL_SQL, isInSubChannel, joinElasticChannel, leaveChannel } from './sub-channels';
import { assertEnum, assertLength, assertPattern } from './validate';

const MEMBERSHIP_TYPES: readonly MembershipType[] = ['DEFAULT', 'HIDDEN'];
/** MemberArns of BatchCreateChannelMembership: 1..100 (the model's MemberArns list). */
const MAX_BATCH_MEMBERS = 100;

/**
 * Checks SubChannelId (1..128 of `[-_a-zA-Z0-9]`). SubChannels exist only in
 * elastic channels, so naming one on a standard channel is a BadRequest.
 */
function checkSubChannelId(channel: ChannelRow, subChannelId: string | undefined): void {
  if (subChannelId === undefined) return;
  assertLength('SubChannelId', subChannelId, 1, 128);
  assertPattern('SubChannelId', subChannelId, /^[-_a-zA-Z0-9]*$/);
  if (!channel.elastic_json) throw badRequest(`SubChannelId is only valid for elastic channels; ${channel.arn} is not one.`);
}

/** Rules that depend only on the bearer and the type: the same for every member of a batch. */
function checkAdder(access: ChannelAccess, type: MembershipType): void {
  if (access.admin || access.moderator) return;
  if (type === 'HIDDEN') throw forbidden('Only an AppInstanceAdmin or a channel moderator may add HIDDEN members.');
  if (access.channel.mode === 'RESTRICTED') {
    throw forbidden(`Only an AppInstanceAdmin or a channel moderator may add members to RESTRICTED channel ${access.channel.arn}.`);
  }
  if (access.channel.privacy === 'PRIVATE') {
    throw forbidden(`Only an AppInstanceAdmin or a channel moderator may add members to PRIVATE channel ${access.channel.arn}.`);
  }
}

/** Rules that depend on the member: who they are, whether they are banned, and whether a non-member bearer only adds itself. */
function checkMember(backend: Backend, access: ChannelAccess, memberArn: string): void {
  requireChannelIdentity(backend, access.channel, 'MemberArn', memberArn);
  if (isBanned(backend, access.channel.arn, memberArn)) {
    throw forbidden(`${memberArn} is banned from channel ${access.channel.arn}; DeleteChannelBan must come first.`);
  }
  if (!access.admin && !access.moderator && !access.membership && memberArn !== access.bearer.arn) {
    throw forbidden(`Only members may add others to channel ${access.channel.arn}; a non-member may only add itself.`);
  }
}

/** What adding one member did: its sub-channel in an elastic channel, and the event to publish after commit. */
interface Added {
  subChannelId?: string;
  event?: ChannelEvent;
}

/**
 * Adds one member whose rules are checked (inside a transaction). Adding an
 * existing member changes nothing and publishes nothing.
 */
function addMember(backend: Backend, access: ChannelAccess, memberArn: string, type: MembershipType, subChannelId: string | undefined): Added {
  if (access.channel.elastic_json) return joinElasticChannel(backend, access.channel, memberArn, type, access.bearer.arn, subChannelId);
  const row = insertMembership(backend, access.channel, memberArn, type, access.bearer.arn);
  if (!row) return {};
  return { event: membershipEvent('CREATE_CHANNEL_MEMBERSHIP', row.channel_arn, membershipPayload(backend, row), channelRecipients(backend, row.channel_arn)) };
}

function createChannelMembership(backend: Backend, input: CreateChannelMembershipRequest): Output<CreateChannelMembershipResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const memberArn = input.MemberArn as string;
  assertChimeArn('MemberArn', memberArn);
  assertEnum('Type', input.Type, MEMBERSHIP_TYPES);
  checkSubChannelId(access.channel, input.SubChannelId);
  checkAdder(access, input.Type as MembershipType);
  const added = backend.transaction(() => {
    checkMember(backend, access, memberArn);
    return addMember(backend, access, memberArn, input.Type as MembershipType, input.SubChannelId);
  });
  if (added.event) backend.events.publish(added.event);
  return { ChannelArn: access.channel.arn, Member: identityOf(backend, memberArn), SubChannelId: added.subChannelId };
}

/**
 * Adds up to 100 members under the rules of CreateChannelMembership. Bearer
 * rules (HIDDEN, RESTRICTED, PRIVATE) fail the whole request; member rules
 * (unknown identity, ban, a non-member adding others) fail only that member,
 * reported in Errors with the code and message CreateChannelMembership would
 * answer. Members who already belonged are reported as added (nothing changes).
 *
 * Session event: one BATCH_CREATE_CHANNEL_MEMBERSHIP to every member after the
 * batch, with the payload shaped like the output's BatchChannelMemberships
 * (`ChannelArn`, `InvitedBy`, `Type`, `Members`, `SubChannelId`) but listing
 * only the members this call added; none is published if it added nobody.
 * Elastic channels have no batch event: each added member gets its own
 * CREATE_CHANNEL_MEMBERSHIP in its sub-channel, and a full channel is that
 * member's ResourceLimitExceeded in Errors. The output's single SubChannelId
 * is the one every listed member is in, and absent when they are spread out.
 */
function batchCreateChannelMembership(backend: Backend, input: BatchCreateChannelMembershipRequest): Output<BatchCreateChannelMembershipResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const memberArns = input.MemberArns ?? [];
  if (memberArns.length < 1 || memberArns.length > MAX_BATCH_MEMBERS) {
    throw badRequest(`MemberArns must hold 1..${MAX_BATCH_MEMBERS} ARNs, got ${memberArns.length}.`);
  }
  memberArns.forEach((arn, i) => assertChimeArn(`MemberArns[${i}]`, arn));
  const type = (input.Type ?? 'DEFAULT') as MembershipType;
  assertEnum('Type', type, MEMBERSHIP_TYPES);
  checkSubChannelId(access.channel, input.SubChannelId);
  checkAdder(access, type);

  const elastic = access.channel.elastic_json !== null;
  const members: Identity[] = [];
  const subChannels = new Set<string | undefined>();
  const errors: BatchCreateChannelMembershipError[] = [];
  const events = backend.transaction(() => {
    const added: Identity[] = [];
    const perMember: ChannelEvent[] = [];
    for (const memberArn of new Set(memberArns)) {
      let result: Added;
      try {
        // A savepoint per member: a member that fails leaves no trace, the others stay.
        result = backend.transaction(() => {
          checkMember(backend, access, memberArn);
          return addMember(backend, access, memberArn, type, input.SubChannelId);
        });
      } catch (err) {
        if (!(err instanceof ChimeError)) throw err;
        errors.push({ MemberArn: memberArn, ErrorCode: err.code, ErrorMessage: err.message });
        continue;
      }
      const member = identityOf(backend, memberArn);
      members.push(member);
      subChannels.add(result.subChannelId);
      if (!result.event) continue;
      added.push(member);
      perMember.push(result.event);
    }
    if (elastic || added.length === 0) return perMember;
    const payload = { ChannelArn: access.channel.arn, InvitedBy: identityOf(backend, access.bearer.arn), Type: type, Members: added };
    return [membershipEvent('BATCH_CREATE_CHANNEL_MEMBERSHIP', access.channel.arn, payload, channelRecipients(backend, access.channel.arn))];
  });
  for (const event of events) backend.events.publish(event);
  return {
    BatchChannelMemberships: {
      ChannelArn: access.channel.arn,
      InvitedBy: identityOf(backend, access.bearer.arn),
      Type: type,
      Members: members,
      SubChannelId: subChannels.size === 1 ? [...subChannels][0] : undefined,
    },
    Errors: errors,
  };
}

/** Loads a membership or throws NotFound (also when it is not in the SubChannel named). */
function requireMembership(backend: Backend, channelArn: string, memberArn: string, subChannelId?: string): MembershipRow {
  const row = backend.statement('SELECT * FROM channel_memberships WHERE channel_arn = ? AND member_arn = ?').get(channelArn, memberArn) as
    | MembershipRow
    | undefined;
  if (!row || (subChannelId !== undefined && !isInSubChannel(backend, row, subChannelId))) {
    throw notFound(`${memberArn} is not a member of channel ${channelArn}${subChannelId ? ` SubChannel ${subChannelId}` : ''}.`);
  }
  return row;
}

function describeChannelMembership(backend: Backend, input: DescribeChannelMembershipRequest): Output<DescribeChannelMembershipResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const memberArn = input.MemberArn as string;
  assertChimeArn('MemberArn', memberArn);
  checkSubChannelId(access.channel, input.SubChannelId);
  requireChannelVisible(access, 'see its members');
  const row = requireMembership(backend, access.channel.arn, memberArn, input.SubChannelId);
  return {
    ChannelMembership: {
      ChannelArn: row.channel_arn,
      Member: identityOf(backend, row.member_arn),
      InvitedBy: identityOf(backend, row.invited_by),
      Type: row.type,
      CreatedTimestamp: new Date(row.created_at),
      LastUpdatedTimestamp: new Date(row.updated_at),
      // A moderator of an elastic channel may be in several sub-channels: the one asked about.
      SubChannelId: input.SubChannelId ?? row.sub_channel_id ?? undefined,
    },
  };
}

/**
 * A member may leave; AppInstanceAdmins and moderators may remove anyone.
 * Removing someone who is not a member succeeds and changes nothing (the
 * model lists no NotFoundException here). Leaving does not end a
 * moderator role: moderators need not be members. In an elastic channel the
 * member's sub-channel is then rebalanced (sub-channels.ts).
 */
function deleteChannelMembership(backend: Backend, input: DeleteChannelMembershipRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const memberArn = input.MemberArn as string;
  assertChimeArn('MemberArn', memberArn);
  checkSubChannelId(access.channel, input.SubChannelId);
  if (memberArn !== access.bearer.arn && !access.admin && !access.moderator) {
    throw forbidden('Only an AppInstanceAdmin or a channel moderator may remove another member; a member may only remove itself.');
  }
  const events = backend.transaction(() => leaveChannel(backend, access.channel, memberArn, input.SubChannelId));
  for (const event of events) backend.events.publish(event);
}

/**
 * Lists members in the order they joined. Seed 000: "Default members are
 * always returned ... Hidden members are only returned if the type filter ...
 * equals HIDDEN", so Type=HIDDEN lists DEFAULT and HIDDEN members, and no
 * filter or Type=DEFAULT lists DEFAULT members only.
 */
function listChannelMemberships(backend: Backend, input: ListChannelMembershipsRequest): Output<ListChannelMembershipsResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  assertEnum('Type', input.Type, MEMBERSHIP_TYPES);
  checkSubChannelId(access.channel, input.SubChannelId);
  requireChannelVisible(access, 'see its members');
  const channelArn = access.channel.arn;
  const types = input.Type === 'HIDDEN' ? ['DEFAULT', 'HIDDEN'] : ['DEFAULT'];
  const sub = input.SubChannelId;
  const { rows, NextToken } = keysetPage<MembershipRow>(backend, {
    scope: `ListChannelMemberships|${channelArn}|${input.Type ?? 'DEFAULT'}|${sub ?? ''}`,
    from: 'channel_memberships',
    where: ['channel_arn = ?', `type IN (${types.map(() => '?').join(', ')})`, ...(sub === undefined ? [] : [IN_SUB_CHANNEL_SQL])],
    params: [channelArn, ...types, ...(sub === undefined ? [] : [sub, channelArn, sub])],
    keys: ['created_at', 'member_arn'],
    page: pageRequest(input),
  });
  return {
    ChannelArn: channelArn,
    ChannelMemberships: rows.map((row) => ({ Member: identityOf(backend, row.member_arn) })),
    NextToken,
  };
}

/** A membership as its member sees it: the channel's summary and the member's own state. */
function membershipForUserOf(backend: Backend, row: MembershipRow): ChannelMembershipForAppInstanceUserSummary {
  const channel = backend.statement('SELECT * FROM channels WHERE arn = ?').get(row.channel_arn) as ChannelRow;
  return {
    ChannelSummary: channelSummaryOf(channel),
    AppInstanceUserMembershipSummary: {
      Type: row.type,
      ReadMarkerTimestamp: row.read_marker_at === null ? undefined : new Date(row.read_marker_at),
      SubChannelId: row.sub_channel_id ?? undefined,
    },
  };
}

/** Seed 000: only an AppInstanceAdmin may ask about a user other than itself (and only within its AppInstance). */
function requireSelfOrAdmin(backend: Backend, bearer: Bearer, userArn: string): void {
  if (userArn === bearer.arn) return;
  if (!isAppInstanceAdmin(backend, bearer.appInstanceArn, bearer.arn) || appInstanceOf(userArn) !== bearer.appInstanceArn) {
    throw forbidden(`Only an AppInstanceAdmin of its AppInstance may see the memberships of ${userArn}.`);
  }
}

function describeChannelMembershipForAppInstanceUser(
  backend: Backend,
  input: DescribeChannelMembershipForAppInstanceUserRequest,
): Output<DescribeChannelMembershipForAppInstanceUserResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  const userArn = input.AppInstanceUserArn as string;
  assertChimeArn('AppInstanceUserArn', userArn);
  requireSelfOrAdmin(backend, access.bearer, userArn);
  // NotFound although the model does not list it: there is no membership to describe.
  const row = requireMembership(backend, access.channel.arn, userArn);
  return { ChannelMembership: membershipForUserOf(backend, row) };
}

/** The channels a user belongs to (HIDDEN memberships included: they are the user's own), in the order joined. */
function listChannelMembershipsForAppInstanceUser(
  backend: Backend,
  input: ListChannelMembershipsForAppInstanceUserRequest,
): Output<ListChannelMembershipsForAppInstanceUserResponse> {
  const bearer = requireBearer(backend, input.ChimeBearer);
  const userArn = input.AppInstanceUserArn ?? bearer.arn;
  assertChimeArn('AppInstanceUserArn', userArn);
  requireSelfOrAdmin(backend, bearer, userArn);
  const { rows, NextToken } = keysetPage<MembershipRow>(backend, {
    scope: `ListChannelMembershipsForAppInstanceUser|${userArn}`,
    from: 'channel_memberships',
    where: ['member_arn = ?'],
    params: [userArn],
    keys: ['created_at', 'channel_arn'],
    page: pageRequest(input),
  });
  return { ChannelMemberships: rows.map((row) => membershipForUserOf(backend, row)), NextToken };
}

/** Membership operations, by AWS operation name. */
export const membershipOperations: OperationTable = {
  CreateChannelMembership: createChannelMembership,
  BatchCreateChannelMembership: batchCreateChannelMembership,
  DescribeChannelMembership: describeChannelMembership,
  DeleteChannelMembership: deleteChannelMembership,
  ListChannelMemberships: listChannelMemberships,
  DescribeChannelMembershipForAppInstanceUser: describeChannelMembershipForAppInstanceUser,
  ListChannelMembershipsForAppInstanceUser: listChannelMembershipsForAppInstanceUser,
};
