/**
 * Chime SDK Identity: AppInstances, their users, admins and bots, and the
 * AppInstance-wide settings. These calls are authorized by the caller's AWS
 * credentials alone (no bearer), as in AWS.
 */
import type {
  AppInstanceRetentionSettings,
  Configuration,
  CreateAppInstanceAdminRequest,
  CreateAppInstanceAdminResponse,
  CreateAppInstanceBotRequest,
  CreateAppInstanceBotResponse,
  CreateAppInstanceRequest,
  CreateAppInstanceResponse,
  CreateAppInstanceUserRequest,
  CreateAppInstanceUserResponse,
  DeleteAppInstanceAdminRequest,
  DeleteAppInstanceBotRequest,
  DeleteAppInstanceRequest,
  DeleteAppInstanceUserRequest,
  DescribeAppInstanceAdminRequest,
  DescribeAppInstanceAdminResponse,
  DescribeAppInstanceBotRequest,
  DescribeAppInstanceBotResponse,
  DescribeAppInstanceRequest,
  DescribeAppInstanceResponse,
  DescribeAppInstanceUserRequest,
  DescribeAppInstanceUserResponse,
  ExpirationSettings,
  GetAppInstanceRetentionSettingsRequest,
  GetAppInstanceRetentionSettingsResponse,
  ListAppInstanceAdminsRequest,
  ListAppInstanceAdminsResponse,
  ListAppInstanceBotsRequest,
  ListAppInstanceBotsResponse,
  ListAppInstancesRequest,
  ListAppInstancesResponse,
  ListAppInstanceUsersRequest,
  ListAppInstanceUsersResponse,
  PutAppInstanceRetentionSettingsRequest,
  PutAppInstanceRetentionSettingsResponse,
  PutAppInstanceUserExpirationSettingsRequest,
  PutAppInstanceUserExpirationSettingsResponse,
  UpdateAppInstanceBotRequest,
  UpdateAppInstanceBotResponse,
  UpdateAppInstanceRequest,
  UpdateAppInstanceResponse,
  UpdateAppInstanceUserRequest,
  UpdateAppInstanceUserResponse,
} from '@aws-sdk/client-chime-sdk-identity';
import { badRequest, conflict, notFound } from '../errors';
import { AppInstanceBotRow, AppInstanceRow, AppInstanceUserRow, MembershipRow } from '../store/rows';
import { channelRecipients } from './access';
import { ChannelEvent } from './events';
import { appInstanceArn, assertChimeArn, childArn } from './arns';
import { Backend } from './backend';
import { KeysetPage, keysetPage, pageRequest } from './keyset-page';
import { idempotent } from './idempotency';
import { identityOf, membershipEvent, membershipPayload } from './membership-store';
import { OperationTable, Output } from './operation';
import { assertClientRequestToken, assertEnum, assertLength, assertPattern, assertRange, RESOURCE_NAME } from './validate';
import { deleteTags, putTags } from './tags';

const DAY_MS = 86_400_000;
/** The model's UserId. */
const USER_ID = /^[A-Za-z0-9]([A-Za-z0-9\:\-\_\.\@]{0,62}[A-Za-z0-9])?$/;
/** The model's UserName pattern `\S` (unanchored: at least one non-space character). */
const USER_NAME = /\S/;
const LEX_BOT_ALIAS_ARN = /^arn:aws:lex:[a-z]{2}-[a-z]+-\d{1}:\d{12}:bot-alias\/[A-Z0-9]{10}\/[A-Z0-9]{10}$/;
const LEX_INTENT_NAME = /^([A-Za-z]_?)+$/;

// ---------------------------------------------------------------- lookups

/** Loads an AppInstance or throws NotFound. */
export function requireAppInstance(backend: Backend, arn: string): AppInstanceRow {
  assertChimeArn('AppInstanceArn', arn);
  const row = backend.statement('SELECT * FROM app_instances WHERE arn = ?').get(arn) as AppInstanceRow | undefined;
  if (!row) throw notFound(`AppInstance ${arn} not found.`);
  return row;
}

function requireUser(backend: Backend, arn: string): AppInstanceUserRow {
  assertChimeArn('AppInstanceUserArn', arn);
  const row = backend.statement('SELECT * FROM app_instance_users WHERE arn = ?').get(arn) as AppInstanceUserRow | undefined;
  if (!row) throw notFound(`AppInstanceUser ${arn} not found.`);
  return row;
}

function requireBot(backend: Backend, arn: string): AppInstanceBotRow {
  assertChimeArn('AppInstanceBotArn', arn);
  const row = backend.statement('SELECT * FROM app_instance_bots WHERE arn = ?').get(arn) as AppInstanceBotRow | undefined;
  if (!row) throw notFound(`AppInstanceBot ${arn} not found.`);
  return row;
}

// ---------------------------------------------------------------- pagination

/**
 * One page of an AppInstance's users or bots (`table`), in ARN order, with
 * NextTokens scoped to `operation` and the AppInstance. NotFound when the
 * AppInstance does not exist, checked before the page request is.
 */
function listInstanceChildren<Row>(
  backend: Backend,
  operation: 'ListAppInstanceUsers' | 'ListAppInstanceBots',
  table: 'app_instance_users' | 'app_instance_bots',
  input: ListAppInstanceUsersRequest | ListAppInstanceBotsRequest,
): KeysetPage<Row> & { instance: string } {
  const instance = input.AppInstanceArn as string;
  requireAppInstance(backend, instance);
  const page = keysetPage<Row>(backend, {
    scope: `${operation}|${instance}`,
    from: table,
    where: ['app_instance_arn = ?'],
    params: [instance],
    keys: ['arn'],
    page: pageRequest(input),
  });
  return { instance, ...page };
}

// ---------------------------------------------------------------- AppInstance

function createAppInstance(backend: Backend, input: CreateAppInstanceRequest): Output<CreateAppInstanceResponse> {
  assertLength('Name', input.Name, 1, 256);
  assertPattern('Name', input.Name, RESOURCE_NAME);
  assertLength('Metadata', input.Metadata, 0, 1024);
  assertClientRequestToken(input.ClientRequestToken);
  return backend.transaction(() =>
    idempotent(backend, 'CreateAppInstance', input.ClientRequestToken, input, () => {
      const arn = appInstanceArn(backend, backend.newId());
      const now = backend.now();
      backend
        .statement('INSERT INTO app_instances (arn, name, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(arn, input.Name, input.Metadata ?? null, now, now);
      putTags(backend, arn, input.Tags);
      return { AppInstanceArn: arn };
    }),
  );
}

function describeAppInstance(backend: Backend, input: DescribeAppInstanceRequest): Output<DescribeAppInstanceResponse> {
  const row = requireAppInstance(backend, input.AppInstanceArn as string);
  return {
    AppInstance: {
      AppInstanceArn: row.arn,
      Name: row.name,
      Metadata: row.metadata ?? undefined,
      CreatedTimestamp: new Date(row.created_at),
      LastUpdatedTimestamp: new Date(row.updated_at),
    },
  };
}

function listAppInstances(backend: Backend, input: ListAppInstancesRequest): Output<ListAppInstancesResponse> {
  const page = keysetPage<AppInstanceRow>(backend, { scope: 'ListAppInstances', from: 'app_instances', keys: ['arn'], page: pageRequest(input) });
  return {
    AppInstances: page.rows.map((r) => ({ AppInstanceArn: r.arn, Name: r.name, Metadata: r.metadata ?? undefined })),
    NextToken: page.NextToken,
  };
}

function updateAppInstance(backend: Backend, input: UpdateAppInstanceRequest): Output<UpdateAppInstanceResponse> {
  const arn = input.AppInstanceArn as string;
  assertLength('Name', input.Name, 1, 256);
  assertPattern('Name', input.Name, RESOURCE_NAME);
  assertLength('Metadata', input.Metadata, 0, 1024);
  requireAppInstance(backend, arn);
  backend.statement('UPDATE app_instances SET name = ?, metadata = ?, updated_at = ? WHERE arn = ?').run(input.Name, input.Metadata, backend.now(), arn);
  return { AppInstanceArn: arn };
}

/**
 * Deletes the AppInstance and, through the schema's cascades, its users, bots,
 * admins and channels, then tells the sessions of those users and bots that
 * they are gone.
 */
function deleteAppInstance(backend: Backend, input: DeleteAppInstanceRequest): void {
  const arn = input.AppInstanceArn as string;
  const identities = backend.transaction(() => {
    requireAppInstance(backend, arn);
    // Read before the cascade removes them: afterwards nothing says whose sessions belonged here.
    const rows = backend
      .statement(
        `SELECT arn FROM app_instance_users WHERE app_instance_arn = ?
         UNION ALL SELECT arn FROM app_instance_bots WHERE app_instance_arn = ?`,
      )
      .all(arn, arn) as { arn: string }[];
    backend.statement('DELETE FROM app_instances WHERE arn = ?').run(arn);
    deleteTags(backend, arn, true);
    return rows.map((row) => row.arn);
  });
  backend.events.publishIdentityRemoved(identities);
}

// ---------------------------------------------------------------- AppInstanceUser

/** Checks ExpirationSettings and returns the JSON to store and the deletion time it implies. */
function expiration(settings: ExpirationSettings | undefined, createdAt: number): { json: string | null; expiresAt: number | null } {
  if (!settings) return { json: null, expiresAt: null };
  assertRange('ExpirationSettings.ExpirationDays', settings.ExpirationDays, 1, 5475);
  assertEnum('ExpirationSettings.ExpirationCriterion', settings.ExpirationCriterion, ['CREATED_TIMESTAMP']);
  const stored: ExpirationSettings = { ExpirationDays: settings.ExpirationDays, ExpirationCriterion: settings.ExpirationCriterion };
  // CREATED_TIMESTAMP, the only criterion, counts from the user's creation.
  return { json: JSON.stringify(stored), expiresAt: createdAt + (settings.ExpirationDays as number) * DAY_MS };
}

function assertUserName(name: string | undefined): void {
  assertLength('Name', name, 1, 100);
  assertPattern('Name', name, USER_NAME);
}

function createAppInstanceUser(backend: Backend, input: CreateAppInstanceUserRequest): Output<CreateAppInstanceUserResponse> {
  const instance = input.AppInstanceArn as string;
  assertLength('AppInstanceUserId', input.AppInstanceUserId, 1, 64);
  assertPattern('AppInstanceUserId', input.AppInstanceUserId, USER_ID);
  assertUserName(input.Name);
  assertLength('Metadata', input.Metadata, 0, 1024);
  assertClientRequestToken(input.ClientRequestToken);
  return backend.transaction(() => {
    requireAppInstance(backend, instance);
    return idempotent(backend, `CreateAppInstanceUser|${instance}`, input.ClientRequestToken, input, () => {
      const arn = childArn(instance, 'user', input.AppInstanceUserId as string);
      if (backend.statement('SELECT 1 FROM app_instance_users WHERE arn = ?').get(arn)) {
        throw conflict(`AppInstanceUser ${input.AppInstanceUserId} already exists.`);
      }
      const now = backend.now();
      const expires = expiration(input.ExpirationSettings, now);
      backend
        .statement(
          `INSERT INTO app_instance_users (arn, app_instance_arn, user_id, name, metadata, expiration_json, expires_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(arn, instance, input.AppInstanceUserId, input.Name, input.Metadata ?? null, expires.json, expires.expiresAt, now, now);
      putTags(backend, arn, input.Tags);
      return { AppInstanceUserArn: arn };
    });
  });
}

function describeAppInstanceUser(backend: Backend, input: DescribeAppInstanceUserRequest): Output<DescribeAppInstanceUserResponse> {
  const row = requireUser(backend, input.AppInstanceUserArn as string);
  return {
    AppInstanceUser: {
      AppInstanceUserArn: row.arn,
      Name: row.name,
      Metadata: row.metadata ?? undefined,
      CreatedTimestamp: new Date(row.created_at),
      LastUpdatedTimestamp: new Date(row.updated_at),
      ExpirationSettings: row.expiration_json ? (JSON.parse(row.expiration_json) as ExpirationSettings) : undefined,
    },
  };
}

function listAppInstanceUsers(backend: Backend, input: ListAppInstanceUsersRequest): Output<ListAppInstanceUsersResponse> {
  const page = listInstanceChildren<AppInstanceUserRow>(backend, 'ListAppInstanceUsers', 'app_instance_users', input);
  return {
    AppInstanceArn: page.instance,
    AppInstanceUsers: page.rows.map((r) => ({ AppInstanceUserArn: r.arn, Name: r.name, Metadata: r.metadata ?? undefined })),
    NextToken: page.NextToken,
  };
}

function updateAppInstanceUser(backend: Backend, input: UpdateAppInstanceUserRequest): Output<UpdateAppInstanceUserResponse> {
  const arn = input.AppInstanceUserArn as string;
  assertUserName(input.Name);
  assertLength('Metadata', input.Metadata, 0, 1024);
  requireUser(backend, arn);
  backend
    .statement('UPDATE app_instance_users SET name = ?, metadata = ?, updated_at = ? WHERE arn = ?')
    .run(input.Name, input.Metadata, backend.now(), arn);
  return { AppInstanceUserArn: arn };
}

/**
 * Removes a user or bot and everything that names it: memberships (each
 * announced to the channel with DELETE_CHANNEL_MEMBERSHIP, as a removal is),
 * moderator seats, admin seats, bans and tags. Messages it sent stay in the
 * channels' history. Call inside a transaction; after it commits, publish the
 * returned events, then the ARN through `events.publishIdentityRemoved`.
 */
export function removeAppInstanceUser(backend: Backend, arn: string): ChannelEvent[] {
  const memberships = backend.statement('SELECT * FROM channel_memberships WHERE member_arn = ?').all(arn) as MembershipRow[];
  // Recipients and payloads are taken before the rows go, so the channel hears of it.
  const events = memberships.map((row) =>
    membershipEvent('DELETE_CHANNEL_MEMBERSHIP', row.channel_arn, membershipPayload(backend, row), channelRecipients(backend, row.channel_arn)),
  );
  backend.statement('DELETE FROM app_instance_users WHERE arn = ?').run(arn);
  backend.statement('DELETE FROM app_instance_bots WHERE arn = ?').run(arn);
  backend.statement('DELETE FROM channel_memberships WHERE member_arn = ?').run(arn);
  backend.statement('DELETE FROM channel_moderators WHERE moderator_arn = ?').run(arn);
  backend.statement('DELETE FROM app_instance_admins WHERE admin_arn = ?').run(arn);
  // Seed 000: "Bans are cleaned up when you delete users or channels."
  backend.statement('DELETE FROM channel_bans WHERE member_arn = ?').run(arn);
  deleteTags(backend, arn);
  return events;
}

/**
 * Publishes a committed removal of `arn`: its DELETE_CHANNEL_MEMBERSHIP events
 * first, then the identity itself, so its own sessions hear of every lost
 * membership before the session hub ends them.
 */
function publishRemoval(backend: Backend, arn: string, events: readonly ChannelEvent[]): void {
  for (const event of events) backend.events.publish(event);
  backend.events.publishIdentityRemoved([arn]);
}

function deleteAppInstanceUser(backend: Backend, input: DeleteAppInstanceUserRequest): void {
  const arn = input.AppInstanceUserArn as string;
  const events = backend.transaction(() => {
    requireUser(backend, arn);
    return removeAppInstanceUser(backend, arn);
  });
  publishRemoval(backend, arn, events);
}

function putAppInstanceUserExpirationSettings(
  backend: Backend,
  input: PutAppInstanceUserExpirationSettingsRequest,
): Output<PutAppInstanceUserExpirationSettingsResponse> {
  const arn = input.AppInstanceUserArn as string;
  const user = requireUser(backend, arn);
  // Omitting ExpirationSettings removes them, so the user no longer expires.
  const expires = expiration(input.ExpirationSettings, user.created_at);
  backend
    .statement('UPDATE app_instance_users SET expiration_json = ?, expires_at = ?, updated_at = ? WHERE arn = ?')
    .run(expires.json, expires.expiresAt, backend.now(), arn);
  return { AppInstanceUserArn: arn, ExpirationSettings: expires.json ? (JSON.parse(expires.json) as ExpirationSettings) : undefined };
}

// ---------------------------------------------------------------- AppInstanceAdmin

function createAppInstanceAdmin(backend: Backend, input: CreateAppInstanceAdminRequest): Output<CreateAppInstanceAdminResponse> {
  const instance = input.AppInstanceArn as string;
  const adminArn = input.AppInstanceAdminArn as string;
  assertChimeArn('AppInstanceAdminArn', adminArn);
  return backend.transaction(() => {
    requireAppInstance(backend, instance);
    const owner = (backend.statement('SELECT app_instance_arn FROM app_instance_users WHERE arn = ?').get(adminArn) ??
      backend.statement('SELECT app_instance_arn FROM app_instance_bots WHERE arn = ?').get(adminArn)) as { app_instance_arn: string } | undefined;
    if (!owner) throw notFound(`AppInstanceAdminArn ${adminArn} is not an AppInstanceUser or AppInstanceBot.`);
    if (owner.app_instance_arn !== instance) throw badRequest(`AppInstanceAdminArn ${adminArn} does not belong to AppInstance ${instance}.`);
    // Promoting an existing admin again changes nothing and is not an error.
    backend
      .statement('INSERT OR IGNORE INTO app_instance_admins (app_instance_arn, admin_arn, created_at) VALUES (?, ?, ?)')
      .run(instance, adminArn, backend.now());
    return { AppInstanceAdmin: identityOf(backend, adminArn), AppInstanceArn: instance };
  });
}

function requireAdminRow(backend: Backend, instance: string, adminArn: string): { created_at: number } {
  assertChimeArn('AppInstanceAdminArn', adminArn);
  requireAppInstance(backend, instance);
  const row = backend.statement('SELECT created_at FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?').get(instance, adminArn) as
    | { created_at: number }
    | undefined;
  if (!row) throw notFound(`${adminArn} is not an AppInstanceAdmin of ${instance}.`);
  return row;
}

function describeAppInstanceAdmin(backend: Backend, input: DescribeAppInstanceAdminRequest): Output<DescribeAppInstanceAdminResponse> {
  const instance = input.AppInstanceArn as string;
  const adminArn = input.AppInstanceAdminArn as string;
  const row = requireAdminRow(backend, instance, adminArn);
  return { AppInstanceAdmin: { Admin: identityOf(backend, adminArn), AppInstanceArn: instance, CreatedTimestamp: new Date(row.created_at) } };
}

function listAppInstanceAdmins(backend: Backend, input: ListAppInstanceAdminsRequest): Output<ListAppInstanceAdminsResponse> {
  const instance = input.AppInstanceArn as string;
  requireAppInstance(backend, instance);
  const page = keysetPage<{ admin_arn: string }>(backend, {
    scope: `ListAppInstanceAdmins|${instance}`,
    columns: 'admin_arn',
    from: 'app_instance_admins',
    where: ['app_instance_arn = ?'],
    params: [instance],
    keys: ['admin_arn'],
    page: pageRequest(input),
  });
  return {
    AppInstanceArn: instance,
    AppInstanceAdmins: page.rows.map((r) => ({ Admin: identityOf(backend, r.admin_arn) })),
    NextToken: page.NextToken,
  };
}

function deleteAppInstanceAdmin(backend: Backend, input: DeleteAppInstanceAdminRequest): void {
  const instance = input.AppInstanceArn as string;
  const adminArn = input.AppInstanceAdminArn as string;
  backend.transaction(() => {
    requireAdminRow(backend, instance, adminArn);
    backend.statement('DELETE FROM app_instance_admins WHERE app_instance_arn = ? AND admin_arn = ?').run(instance, adminArn);
  });
}

// ---------------------------------------------------------------- AppInstanceBot

/** Checks a bot Configuration (the codec has already enforced its required members). */
function assertConfiguration(configuration: Configuration | undefined): void {
  const lex = configuration?.Lex;
  if (!lex) throw badRequest('Missing required parameter Configuration.Lex.');
  assertLength('Configuration.Lex.LexBotAliasArn', lex.LexBotAliasArn, 15, 2048);
  assertPattern('Configuration.Lex.LexBotAliasArn', lex.LexBotAliasArn, LEX_BOT_ALIAS_ARN);
  assertLength('Configuration.Lex.WelcomeIntent', lex.WelcomeIntent, 1, 100);
  assertPattern('Configuration.Lex.WelcomeIntent', lex.WelcomeIntent, LEX_INTENT_NAME);
  assertEnum('Configuration.Lex.RespondsTo', lex.RespondsTo, ['STANDARD_MESSAGES']);
  assertEnum('Configuration.Lex.InvokedBy.StandardMessages', lex.InvokedBy?.StandardMessages, ['AUTO', 'ALL', 'MENTIONS', 'NONE']);
  assertEnum('Configuration.Lex.InvokedBy.TargetedMessages', lex.InvokedBy?.TargetedMessages, ['ALL', 'NONE']);
}

function assertBotName(name: string | undefined): void {
  assertLength('Name', name, 0, 256);
  assertPattern('Name', name, RESOURCE_NAME);
}

function createAppInstanceBot(backend: Backend, input: CreateAppInstanceBotRequest): Output<CreateAppInstanceBotResponse> {
  const instance = input.AppInstanceArn as string;
  assertBotName(input.Name);
  assertLength('Metadata', input.Metadata, 0, 1024);
  assertClientRequestToken(input.ClientRequestToken);
  assertConfiguration(input.Configuration);
  return backend.transaction(() => {
    requireAppInstance(backend, instance);
    return idempotent(backend, `CreateAppInstanceBot|${instance}`, input.ClientRequestToken, input, () => {
      const arn = childArn(instance, 'bot', backend.newId());
      const now = backend.now();
      backend
        .statement(
          `INSERT INTO app_instance_bots (arn, app_instance_arn, name, metadata, configuration_json, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(arn, instance, input.Name ?? null, input.Metadata ?? null, JSON.stringify(input.Configuration), now, now);
      putTags(backend, arn, input.Tags);
      return { AppInstanceBotArn: arn };
    });
  });
}

function describeAppInstanceBot(backend: Backend, input: DescribeAppInstanceBotRequest): Output<DescribeAppInstanceBotResponse> {
  const row = requireBot(backend, input.AppInstanceBotArn as string);
  return {
    AppInstanceBot: {
      AppInstanceBotArn: row.arn,
      Name: row.name ?? undefined,
      Metadata: row.metadata ?? undefined,
      Configuration: JSON.parse(row.configuration_json) as Configuration,
      CreatedTimestamp: new Date(row.created_at),
      LastUpdatedTimestamp: new Date(row.updated_at),
    },
  };
}

function listAppInstanceBots(backend: Backend, input: ListAppInstanceBotsRequest): Output<ListAppInstanceBotsResponse> {
  const page = listInstanceChildren<AppInstanceBotRow>(backend, 'ListAppInstanceBots', 'app_instance_bots', input);
  return {
    AppInstanceArn: page.instance,
    AppInstanceBots: page.rows.map((r) => ({ AppInstanceBotArn: r.arn, Name: r.name ?? undefined, Metadata: r.metadata ?? undefined })),
    NextToken: page.NextToken,
  };
}

function updateAppInstanceBot(backend: Backend, input: UpdateAppInstanceBotRequest): Output<UpdateAppInstanceBotResponse> {
  const arn = input.AppInstanceBotArn as string;
  assertBotName(input.Name);
  assertLength('Metadata', input.Metadata, 0, 1024);
  // Configuration is optional here: when given it replaces the stored one whole.
  if (input.Configuration !== undefined) assertConfiguration(input.Configuration);
  const bot = requireBot(backend, arn);
  const configuration = input.Configuration !== undefined ? JSON.stringify(input.Configuration) : bot.configuration_json;
  backend
    .statement('UPDATE app_instance_bots SET name = ?, metadata = ?, configuration_json = ?, updated_at = ? WHERE arn = ?')
    .run(input.Name, input.Metadata, configuration, backend.now(), arn);
  return { AppInstanceBotArn: arn };
}

function deleteAppInstanceBot(backend: Backend, input: DeleteAppInstanceBotRequest): void {
  const arn = input.AppInstanceBotArn as string;
  const events = backend.transaction(() => {
    requireBot(backend, arn);
    return removeAppInstanceUser(backend, arn);
  });
  publishRemoval(backend, arn, events);
}

// ---------------------------------------------------------------- retention
//
// RetentionDays is enforced by the periodic sweep (retention-sweep.ts), which
// deletes channel messages older than it. InitiateDeletionTimestamp is when
// the settings were last put: deletion is in force from then on.

function retentionSettings(days: number | null): AppInstanceRetentionSettings {
  return days === null ? {} : { ChannelRetentionSettings: { RetentionDays: days } };
}

function initiateDeletionTimestamp(initiatedAt: number | null): Date | undefined {
  return initiatedAt === null ? undefined : new Date(initiatedAt);
}

function putAppInstanceRetentionSettings(
  backend: Backend,
  input: PutAppInstanceRetentionSettingsRequest,
): Output<PutAppInstanceRetentionSettingsResponse> {
  const arn = input.AppInstanceArn as string;
  const days = input.AppInstanceRetentionSettings?.ChannelRetentionSettings?.RetentionDays;
  assertRange('AppInstanceRetentionSettings.ChannelRetentionSettings.RetentionDays', days, 1, 5475);
  requireAppInstance(backend, arn);
  // Settings without RetentionDays clear retention: messages are then kept forever, Chime's default,
  // and there is no deletion to initiate.
  const initiatedAt = days === undefined ? null : backend.now();
  backend.statement('UPDATE app_instances SET retention_days = ?, retention_initiated_at = ? WHERE arn = ?').run(days ?? null, initiatedAt, arn);
  return { AppInstanceRetentionSettings: retentionSettings(days ?? null), InitiateDeletionTimestamp: initiateDeletionTimestamp(initiatedAt) };
}

function getAppInstanceRetentionSettings(
  backend: Backend,
  input: GetAppInstanceRetentionSettingsRequest,
): Output<GetAppInstanceRetentionSettingsResponse> {
  const row = requireAppInstance(backend, input.AppInstanceArn as string);
  return {
    AppInstanceRetentionSettings: retentionSettings(row.retention_days),
    InitiateDeletionTimestamp: initiateDeletionTimestamp(row.retention_initiated_at),
  };
}

/** Identity operations, by AWS operation name. */
export const identityOperations: OperationTable = {
  CreateAppInstance: createAppInstance,
  DescribeAppInstance: describeAppInstance,
  ListAppInstances: listAppInstances,
  UpdateAppInstance: updateAppInstance,
  DeleteAppInstance: deleteAppInstance,
  CreateAppInstanceUser: createAppInstanceUser,
  DescribeAppInstanceUser: describeAppInstanceUser,
  ListAppInstanceUsers: listAppInstanceUsers,
  UpdateAppInstanceUser: updateAppInstanceUser,
  DeleteAppInstanceUser: deleteAppInstanceUser,
  PutAppInstanceUserExpirationSettings: putAppInstanceUserExpirationSettings,
  CreateAppInstanceAdmin: createAppInstanceAdmin,
  DescribeAppInstanceAdmin: describeAppInstanceAdmin,
  ListAppInstanceAdmins: listAppInstanceAdmins,
  DeleteAppInstanceAdmin: deleteAppInstanceAdmin,
  CreateAppInstanceBot: createAppInstanceBot,
  DescribeAppInstanceBot: describeAppInstanceBot,
  ListAppInstanceBots: listAppInstanceBots,
  UpdateAppInstanceBot: updateAppInstanceBot,
  DeleteAppInstanceBot: deleteAppInstanceBot,
  PutAppInstanceRetentionSettings: putAppInstanceRetentionSettings,
  GetAppInstanceRetentionSettings: getAppInstanceRetentionSettings,
};
