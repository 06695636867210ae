/**
 * Channels: CreateChannel, DescribeChannel, UpdateChannel, DeleteChannel,
 * ListChannels, the moderated-channel views and PutChannelExpirationSettings
 * (seed 000; the 2023 additions of seed 001). Channel deletion by expiry is
 * expiration-sweep.ts, which shares `removeChannel` with DeleteChannel.
 */
import type {
  CreateChannelRequest,
  CreateChannelResponse,
  DeleteChannelRequest,
  DescribeChannelModeratedByAppInstanceUserRequest,
  DescribeChannelModeratedByAppInstanceUserResponse,
  DescribeChannelRequest,
  DescribeChannelResponse,
  ElasticChannelConfiguration,
  ExpirationSettings,
  ListChannelsModeratedByAppInstanceUserRequest,
  ListChannelsModeratedByAppInstanceUserResponse,
  ListChannelsRequest,
  ListChannelsResponse,
  PutChannelExpirationSettingsRequest,
  PutChannelExpirationSettingsResponse,
  UpdateChannelRequest,
  UpdateChannelResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, conflict, forbidden, notFound } from '../errors';
import { ChannelRow } from '../store/rows';
import { Bearer, channelAccess, channelRecipients, isAppInstanceAdmin, requireBearer, requireChannelVisible, requireModeratorOrAdmin } from './access';
import { appInstanceOf, assertChimeArn, childArn } from './arns';
import { Backend } from './backend';
import { channelEvent, channelOf, channelSummaryOf } from './channel-view';
import { ChannelEvent } from './events';
import { idempotent } from './idempotency';
import { keysetPage, pageRequest } from './keyset-page';
import { insertMembership, insertModerator, requireChannelIdentity } from './membership-store';
import { OperationTable, Output } from './operation';
import { putTags } from './tags';
import { assertClientRequestToken, assertEnum, assertLength, assertMaxBytes, assertPattern, assertRange, RESOURCE_NAME } from './validate';

const MODES = ['UNRESTRICTED', 'RESTRICTED'] as const;
const PRIVACIES = ['PUBLIC', 'PRIVATE'] as const;
const EXPIRATION_CRITERIA = ['CREATED_TIMESTAMP', 'LAST_MESSAGE_TIMESTAMP'] as const;
/** The model's ChannelId pattern (1..64 characters). */
const CHANNEL_ID = /^[A-Za-z0-9]([A-Za-z0-9:\-_.@]{0,62}[A-Za-z0-9])?$/;

// ---------------------------------------------------------------- validation

function assertChannelName(name: string | undefined): void {
  assertLength('Name', name, 1, 256);
  assertPattern('Name', name, RESOURCE_NAME);
}

/** "Limited to 1KB and UTF-8": measured in bytes, as messages measure theirs. */
function assertMetadata(metadata: string | undefined): void {
  assertMaxBytes('Metadata', metadata, 1024);
}

function assertExpirationSettings(settings: ExpirationSettings | undefined): void {
  if (!settings) return;
  assertEnum('ExpirationSettings.ExpirationCriterion', settings.ExpirationCriterion, EXPIRATION_CRITERIA);
  assertRange('ExpirationSettings.ExpirationDays', settings.ExpirationDays, 1, 5475);
}

function assertElasticConfiguration(config: ElasticChannelConfiguration | undefined): void {
  if (!config) return;
  const atLeastTwo = (name: string, value: number | undefined) => {
    if (value === undefined || !Number.isInteger(value) || value < 2) {
      throw badRequest(`ElasticChannelConfiguration.${name} must be an integer of at least 2, got ${value}.`);
    }
  };
  atLeastTwo('MaximumSubChannels', config.MaximumSubChannels);
  atLeastTwo('TargetMembershipsPerSubChannel', config.TargetMembershipsPerSubChannel);
  assertRange('ElasticChannelConfiguration.MinimumMembershipPercentage', config.MinimumMembershipPercentage, 1, 40);
}

/** ChannelMemberArns / ChannelModeratorArns: 1..10 well-formed ARNs. */
function assertArnList(name: string, arns: string[] | undefined): void {
  if (arns === undefined) return;
  if (arns.length < 1 || arns.length > 10) throw badRequest(`${name} must hold 1..10 ARNs, got ${arns.length}.`);
  arns.forEach((arn, i) => assertChimeArn(`${name}[${i}]`, arn));
}

/** The bearer may only act in its own AppInstance. */
function requireOwnInstance(bearer: Bearer, appInstanceArn: string): void {
  assertChimeArn('AppInstanceArn', appInstanceArn);
  if (appInstanceArn !== bearer.appInstanceArn) {
    throw forbidden(`The bearer does not belong to AppInstance ${appInstanceArn}.`);
  }
}

// ------------------------------------------------------------------ shared

function loadChannel(backend: Backend, arn: string): ChannelRow {
  return backend.statement('SELECT * FROM channels WHERE arn = ?').get(arn) as ChannelRow;
}

/**
 * Deletes a channel with its memberships, moderators, bans and messages (ON
 * DELETE CASCADE) and its tags. Call inside a transaction; returns the
 * DELETE_CHANNEL event, addressed to the members as they were, to publish
 * after the commit.
 */
export function removeChannel(backend: Backend, row: ChannelRow): ChannelEvent {
  const event = channelEvent(backend, 'DELETE_CHANNEL', row, channelRecipients(backend, row.arn));
  backend.statement('DELETE FROM tags WHERE resource_arn = ?').run(row.arn);
  backend.statement('DELETE FROM channels WHERE arn = ?').run(row.arn);
  return event;
}

// -------------------------------------------------------------- operations

/**
 * Creates a channel. As real Chime does, the creator (the bearer) becomes a
 * member and a moderator of a standard channel; of an elastic channel only a
 * moderator, and an elastic channel takes no MemberArns and must be
 * RESTRICTED. ModeratorArns become moderators only, not members (Chime's
 * moderators need not belong to the channel). A ClientRequestToken seen
 * before returns the first channel.
 */
function createChannel(backend: Backend, input: CreateChannelRequest): Output<CreateChannelResponse> {
  assertChannelName(input.Name);
  assertEnum('Mode', input.Mode, MODES);
  assertEnum('Privacy', input.Privacy, PRIVACIES);
  assertMetadata(input.Metadata);
  assertClientRequestToken(input.ClientRequestToken);
  assertLength('ChannelId', input.ChannelId, 1, 64);
  assertPattern('ChannelId', input.ChannelId, CHANNEL_ID);
  assertArnList('MemberArns', input.MemberArns);
  assertArnList('ModeratorArns', input.ModeratorArns);
  assertExpirationSettings(input.ExpirationSettings);
  assertElasticConfiguration(input.ElasticChannelConfiguration);
  const mode = input.Mode ?? 'UNRESTRICTED';
  const elastic = input.ElasticChannelConfiguration;
  if (elastic && input.MemberArns) throw badRequest('MemberArns cannot be given for an elastic channel; add members with CreateChannelMembership.');
  if (elastic && mode !== 'RESTRICTED') throw badRequest(`Mode must be RESTRICTED for an elastic channel, got "${mode}".`);

  const bearer = requireBearer(backend, input.ChimeBearer);
  const instance = input.AppInstanceArn as string;
  requireOwnInstance(bearer, instance);

  let created: ChannelEvent | undefined;
  const result = backend.transaction(() =>
    idempotent(backend, `CreateChannel|${instance}`, input.ClientRequestToken, input, () => {
      const arn = childArn(instance, 'channel', input.ChannelId ?? backend.newId());
      if (backend.statement('SELECT 1 FROM channels WHERE arn = ?').get(arn)) {
        throw conflict(`A channel with ChannelId ${input.ChannelId} already exists in ${instance}.`);
      }
      const now = backend.now();
      backend
        .statement(
          `INSERT INTO channels (arn, app_instance_arn, name, mode, privacy, metadata, created_by, created_at, updated_at,
                                 expiration_criterion, expiration_days, elastic_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          arn,
          instance,
          input.Name,
          mode,
          input.Privacy ?? 'PUBLIC',
          input.Metadata ?? null,
          bearer.arn,
          now,
          now,
          input.ExpirationSettings?.ExpirationCriterion ?? null,
          input.ExpirationSettings?.ExpirationDays ?? null,
          elastic ? JSON.stringify(elastic) : null,
        );
      const row = loadChannel(backend, arn);
      // Checked against the new row; a stranger throws and the transaction rolls the channel back.
      input.MemberArns?.forEach((member, i) => requireChannelIdentity(backend, row, `MemberArns[${i}]`, member));
      input.ModeratorArns?.forEach((moderator, i) => requireChannelIdentity(backend, row, `ModeratorArns[${i}]`, moderator));
      if (!elastic) {
        for (const member of [bearer.arn, ...(input.MemberArns ?? [])]) insertMembership(backend, row, member, 'DEFAULT', bearer.arn);
      }
      for (const moderator of [bearer.arn, ...(input.ModeratorArns ?? [])]) insertModerator(backend, arn, moderator, bearer.arn);
      putTags(backend, arn, input.Tags);
      created = channelEvent(backend, 'CREATE_CHANNEL', row, channelRecipients(backend, arn));
      return { ChannelArn: arn };
    }),
  );
  if (created) backend.events.publish(created);
  return result;
}

/** PUBLIC channels: any user of the AppInstance. PRIVATE: members, moderators and AppInstanceAdmins only. */
function describeChannel(backend: Backend, input: DescribeChannelRequest): Output<DescribeChannelResponse> {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireChannelVisible(access, 'describe it');
  return { Channel: channelOf(backend, access.channel) };
}

/**
 * Changes Name, Mode and Metadata; a member left out keeps its value.
 * Privacy cannot change ("You can't change a channel's privacy"): the
 * operation has no Privacy member, so a Privacy sent anyway is ignored.
 */
function updateChannel(backend: Backend, input: UpdateChannelRequest): Output<UpdateChannelResponse> {
  assertChannelName(input.Name);
  assertEnum('Mode', input.Mode, MODES);
  assertMetadata(input.Metadata);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'update a channel');
  if (access.channel.elastic_json && input.Mode === 'UNRESTRICTED') {
    throw badRequest('Mode must stay RESTRICTED for an elastic channel, got "UNRESTRICTED".');
  }
  const arn = access.channel.arn;
  const event = backend.transaction(() => {
    backend
      .statement(
        `UPDATE channels SET name = COALESCE(?, name), mode = COALESCE(?, mode), metadata = COALESCE(?, metadata), updated_at = ?
         WHERE arn = ?`,
      )
      .run(input.Name ?? null, input.Mode ?? null, input.Metadata ?? null, backend.now(), arn);
    return channelEvent(backend, 'UPDATE_CHANNEL', loadChannel(backend, arn), channelRecipients(backend, arn));
  });
  backend.events.publish(event);
  return { ChannelArn: arn };
}

/** Moderators and AppInstanceAdmins delete a channel and everything in it, at once. */
function deleteChannel(backend: Backend, input: DeleteChannelRequest): void {
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'delete a channel');
  const event = backend.transaction(() => removeChannel(backend, access.channel));
  backend.events.publish(event);
}

/**
 * Lists the AppInstance's channels of one privacy (PUBLIC by default; PRIVATE
 * for AppInstanceAdmins only), ordered by name then ARN. The order is our
 * choice (the docs state none); the keyset on it keeps pages free of gaps and
 * repeats while channels come and go.
 */
function listChannels(backend: Backend, input: ListChannelsRequest): Output<ListChannelsResponse> {
  assertEnum('Privacy', input.Privacy, PRIVACIES);
  const page = pageRequest(input);
  const bearer = requireBearer(backend, input.ChimeBearer);
  const instance = input.AppInstanceArn as string;
  requireOwnInstance(bearer, instance);
  const privacy = input.Privacy ?? 'PUBLIC';
  if (privacy === 'PRIVATE' && !isAppInstanceAdmin(backend, instance, bearer.arn)) {
    throw forbidden('Only an AppInstanceAdmin may list PRIVATE channels.');
  }
  // Ordered as the index channels_by_instance, which SQLite walks from the cursor on.
  const { rows, NextToken } = keysetPage<ChannelRow>(backend, {
    scope: `ListChannels|${instance}|${privacy}`,
    from: 'channels',
    where: ['app_instance_arn = ?', 'privacy = ?'],
    params: [instance, privacy],
    keys: ['name', 'arn'],
    page,
  });
  return { Channels: rows.map(channelSummaryOf), NextToken };
}

/** The bearer may look at its own moderated channels; at another user's only as an AppInstanceAdmin. */
function requireSelfOrAdmin(backend: Backend, bearer: Bearer, userArn: string): void {
  if (userArn === bearer.arn) return;
  if (appInstanceOf(userArn) !== bearer.appInstanceArn || !isAppInstanceAdmin(backend, bearer.appInstanceArn, bearer.arn)) {
    throw forbidden(`Only ${userArn} itself or an AppInstanceAdmin of its AppInstance may list the channels it moderates.`);
  }
}

/** The channels a user moderates (the bearer's own by default), PUBLIC and PRIVATE, ordered by channel ARN. */
function listChannelsModeratedByAppInstanceUser(
  backend: Backend,
  input: ListChannelsModeratedByAppInstanceUserRequest,
): Output<ListChannelsModeratedByAppInstanceUserResponse> {
  const page = pageRequest(input);
  const bearer = requireBearer(backend, input.ChimeBearer);
  const user = input.AppInstanceUserArn ?? bearer.arn;
  assertChimeArn('AppInstanceUserArn', user);
  requireSelfOrAdmin(backend, bearer, user);
  const { rows, NextToken } = keysetPage<ChannelRow>(backend, {
    scope: `ListChannelsModeratedByAppInstanceUser|${user}`,
    columns: 'c.*',
    from: 'channel_moderators m JOIN channels c ON c.arn = m.channel_arn',
    where: ['m.moderator_arn = ?'],
    params: [user],
    // By m.channel_arn, not c.arn, so SQLite walks channel_moderators_by_moderator from the cursor on.
    keys: [{ sql: 'm.channel_arn', field: 'arn' }],
    page,
  });
  return { Channels: rows.map((r) => ({ ChannelSummary: channelSummaryOf(r) })), NextToken };
}

/** One channel the user moderates; NotFound when the user is not one of its moderators. */
function describeChannelModeratedByAppInstanceUser(
  backend: Backend,
  input: DescribeChannelModeratedByAppInstanceUserRequest,
): Output<DescribeChannelModeratedByAppInstanceUserResponse> {
  const user = input.AppInstanceUserArn as string;
  assertChimeArn('AppInstanceUserArn', user);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  if (user !== access.bearer.arn && !access.admin) {
    throw forbidden(`Only ${user} itself or an AppInstanceAdmin may describe the channels it moderates.`);
  }
  const moderates = backend.statement('SELECT 1 FROM channel_moderators WHERE channel_arn = ? AND moderator_arn = ?').get(access.channel.arn, user);
  if (!moderates) throw notFound(`${user} is not a moderator of channel ${access.channel.arn}.`);
  return { Channel: { ChannelSummary: channelSummaryOf(access.channel) } };
}

/**
 * Sets or (without ExpirationSettings) removes a channel's expiry; moderators
 * and AppInstanceAdmins only. The model marks ChimeBearer optional but the
 * docs call it mandatory, and without it there is no one to authorize, so it
 * is required. An expired channel not yet swept takes the new settings, as the
 * docs say. No session event: Chime documents none for this change.
 */
function putChannelExpirationSettings(backend: Backend, input: PutChannelExpirationSettingsRequest): Output<PutChannelExpirationSettingsResponse> {
  const settings = input.ExpirationSettings;
  assertExpirationSettings(settings);
  const access = channelAccess(backend, input.ChannelArn as string, input.ChimeBearer);
  requireModeratorOrAdmin(access, 'set the expiration settings of a channel');
  backend
    .statement('UPDATE channels SET expiration_criterion = ?, expiration_days = ?, updated_at = ? WHERE arn = ?')
    .run(settings?.ExpirationCriterion ?? null, settings?.ExpirationDays ?? null, backend.now(), access.channel.arn);
  return { ChannelArn: access.channel.arn, ExpirationSettings: settings };
}

/** Operations of this domain, by AWS operation name. */
export const channelOperations: OperationTable = {
  CreateChannel: createChannel,
  DescribeChannel: describeChannel,
  UpdateChannel: updateChannel,
  DeleteChannel: deleteChannel,
  ListChannels: listChannels,
  ListChannelsModeratedByAppInstanceUser: listChannelsModeratedByAppInstanceUser,
  DescribeChannelModeratedByAppInstanceUser: describeChannelModeratedByAppInstanceUser,
  PutChannelExpirationSettings: putChannelExpirationSettings,
};
