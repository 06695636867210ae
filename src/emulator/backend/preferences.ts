/**
 * Channel membership preferences: Get/PutChannelMembershipPreferences, the
 * push-notification settings a member keeps on its own membership.
 *
 * Who (SDK docs): only the member itself, while it is a member; "Users or
 * bots in the AppInstanceAdmin and channel moderator roles can't retrieve
 * [or set] preferences for other users", and a banned user is no member.
 *
 * The local service sends no push notifications (there is no Pinpoint), so
 * preferences are stored and returned, and FilterRule is checked for syntax
 * and limits only, never evaluated against messages.
 */
import type {
  ChannelMembershipPreferences,
  GetChannelMembershipPreferencesRequest,
  GetChannelMembershipPreferencesResponse,
  PushNotificationPreferences,
  PutChannelMembershipPreferencesRequest,
  PutChannelMembershipPreferencesResponse,
} from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest, forbidden } from '../errors';
import { MembershipRow } from '../store/rows';
import { channelAccess } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { identityOf } from './membership-store';
import { OperationTable, Output } from './operation';
import { assertEnum, byteLength } from './validate';

const ALLOW_NOTIFICATIONS = ['ALL', 'NONE', 'FILTERED'] as const;

/**
 * A membership nobody set preferences on gets every push notification: "By
 * default, all the members of a push notification channel receive the push
 * notifications" (developer guide, mobile push notifications).
 */
const DEFAULT_PREFERENCES: ChannelMembershipPreferences = { PushNotifications: { AllowNotifications: 'ALL' } };

/** Filter-rule limits of the developer guide ("Using filter rules to filter messages"). */
const FILTER_RULE_BYTES = 2048;
const MAX_OR_CONSTRAINTS = 5;
const MAX_COMPLEXITY = 20;
/** Attribute names are MessageAttributes keys: 1..64 characters. */
const MAX_ATTRIBUTE_NAME = 64;

/** A plain JSON object (not an array, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One string, or a non-empty list of strings; returns how many. */
function stringValues(where: string, value: unknown): number {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string')) {
    throw badRequest(`FilterRule: ${where} must be a string or a non-empty list of strings (only exact string matching is supported).`);
  }
  return list.length;
}

/**
 * Checks one constraint object `{attribute: [value | {"anything-but": value(s)}], ...}`
 * and returns its complexity: attribute names plus values, the guide's count
 * (`{"type":[{"anything-but":["Room"]}],"mention":["Bob"]}` is 4).
 */
function constraintComplexity(where: string, constraint: Record<string, unknown>): number {
  const names = Object.keys(constraint);
  if (names.length === 0) throw badRequest(`FilterRule: ${where} must name at least one message attribute.`);
  let complexity = 0;
  for (const name of names) {
    if (name === '$or') throw badRequest(`FilterRule: ${where} may not nest "$or".`);
    if (name.length > MAX_ATTRIBUTE_NAME) throw badRequest(`FilterRule: attribute name "${name.slice(0, 70)}" is longer than ${MAX_ATTRIBUTE_NAME} characters.`);
    const matchers = constraint[name];
    if (!Array.isArray(matchers) || matchers.length === 0) {
      throw badRequest(`FilterRule: the value of "${name}" must be a non-empty list of strings or {"anything-but": ...} objects.`);
    }
    complexity += 1;
    for (const matcher of matchers) {
      if (typeof matcher === 'string') {
        complexity += 1;
      } else if (isObject(matcher) && Object.keys(matcher).length === 1 && 'anything-but' in matcher) {
        complexity += stringValues(`"anything-but" of "${name}"`, matcher['anything-but']);
      } else {
        throw badRequest(`FilterRule: "${name}" may hold strings and {"anything-but": ...} objects only, got ${JSON.stringify(matcher).slice(0, 100)}.`);
      }
    }
  }
  return complexity;
}

/**
 * Checks a FilterRule as far as the developer guide describes it: a JSON
 * object (at most 2 KB) mapping message-attribute names to lists of exact
 * strings or `{"anything-but": ...}`, where the top level may also hold
 * `"$or": [constraint, ...]` with 1..5 constraint objects (one level, no
 * nesting); the whole rule has a complexity (names plus values) of at most 20.
 * Other EventBridge-style matchers (prefix, numeric, exists) are refused,
 * since Chime supports only exact string matching.
 */
export function assertFilterRule(rule: string): void {
  const bytes = byteLength(rule);
  if (bytes < 1 || bytes > FILTER_RULE_BYTES) throw badRequest(`FilterRule must be 1..${FILTER_RULE_BYTES} bytes, got ${bytes}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rule);
  } catch {
    throw badRequest('FilterRule must be a JSON object (an escaped JSON string), and is not valid JSON.');
  }
  if (!isObject(parsed)) throw badRequest('FilterRule must be a JSON object of message-attribute constraints.');
  const { $or: or, ...rest } = parsed;
  let complexity = Object.keys(rest).length > 0 ? constraintComplexity('the rule', rest) : 0;
  if (or !== undefined) {
    if (!Array.isArray(or) || or.length < 1 || or.length > MAX_OR_CONSTRAINTS) {
      throw badRequest(`FilterRule: "$or" must be a list of 1..${MAX_OR_CONSTRAINTS} constraint objects.`);
    }
    or.forEach((constraint, i) => {
      if (!isObject(constraint)) throw badRequest(`FilterRule: "$or"[${i}] must be a constraint object.`);
      complexity += constraintComplexity(`"$or"[${i}]`, constraint);
    });
  } else if (complexity === 0) {
    throw badRequest('FilterRule must constrain at least one message attribute.');
  }
  if (complexity > MAX_COMPLEXITY) throw badRequest(`FilterRule complexity (attribute names plus values) must be at most ${MAX_COMPLEXITY}, got ${complexity}.`);
}

/** Checks PushNotifications: AllowNotifications required; FilterRule required with FILTERED and meaningless (refused) otherwise. */
function assertPushNotifications(push: PushNotificationPreferences | undefined): void {
  if (push === undefined) return;
  if (push.AllowNotifications === undefined) throw badRequest('Preferences.PushNotifications.AllowNotifications is required.');
  assertEnum('Preferences.PushNotifications.AllowNotifications', push.AllowNotifications, ALLOW_NOTIFICATIONS);
  if (push.AllowNotifications === 'FILTERED') {
    if (push.FilterRule === undefined) throw badRequest('Preferences.PushNotifications.FilterRule is required when AllowNotifications is FILTERED.');
    assertFilterRule(push.FilterRule);
  } else if (push.FilterRule !== undefined) {
    throw badRequest(`Preferences.PushNotifications.FilterRule applies only with AllowNotifications FILTERED, got ${push.AllowNotifications}.`);
  }
}

/** The bearer's own, current membership, or Forbidden. */
function requireOwnMembership(backend: Backend, channelArn: string, memberArn: string, bearerArn: string | undefined, action: string): MembershipRow {
  assertChimeArn('MemberArn', memberArn);
  const access = channelAccess(backend, channelArn, bearerArn);
  if (memberArn !== access.bearer.arn) {
    throw forbidden(`Only ${memberArn} itself may ${action}; AppInstanceAdmins and moderators cannot act for other members.`);
  }
  if (access.banned) throw forbidden(`${memberArn} is banned from channel ${access.channel.arn} and may not ${action}.`);
  if (!access.membership) throw forbidden(`${memberArn} is not a member of channel ${access.channel.arn} and so has no preferences there.`);
  return access.membership;
}

function preferencesOf(row: MembershipRow): ChannelMembershipPreferences {
  const stored = row.preferences_json ? (JSON.parse(row.preferences_json) as ChannelMembershipPreferences) : undefined;
  return stored?.PushNotifications ? stored : DEFAULT_PREFERENCES;
}

function getChannelMembershipPreferences(backend: Backend, input: GetChannelMembershipPreferencesRequest): Output<GetChannelMembershipPreferencesResponse> {
  const row = requireOwnMembership(backend, input.ChannelArn as string, input.MemberArn as string, input.ChimeBearer, 'read its membership preferences');
  return { ChannelArn: row.channel_arn, Member: identityOf(backend, row.member_arn), Preferences: preferencesOf(row) };
}

/** Replaces the member's preferences; a Preferences without PushNotifications restores the default (ALL). No session event is documented. */
function putChannelMembershipPreferences(backend: Backend, input: PutChannelMembershipPreferencesRequest): Output<PutChannelMembershipPreferencesResponse> {
  if (input.Preferences === undefined) throw badRequest('Preferences is required.');
  const push = input.Preferences.PushNotifications;
  assertPushNotifications(push);
  const row = requireOwnMembership(backend, input.ChannelArn as string, input.MemberArn as string, input.ChimeBearer, 'set its membership preferences');
  const stored: ChannelMembershipPreferences = push
    ? { PushNotifications: { AllowNotifications: push.AllowNotifications, ...(push.FilterRule !== undefined ? { FilterRule: push.FilterRule } : {}) } }
    : {};
  backend
    .statement('UPDATE channel_memberships SET preferences_json = ? WHERE channel_arn = ? AND member_arn = ?')
    .run(push ? JSON.stringify(stored) : null, row.channel_arn, row.member_arn);
  return { ChannelArn: row.channel_arn, Member: identityOf(backend, row.member_arn), Preferences: push ? stored : DEFAULT_PREFERENCES };
}

/** Preference operations, by AWS operation name. */
export const preferenceOperations: OperationTable = {
  GetChannelMembershipPreferences: getChannelMembershipPreferences,
  PutChannelMembershipPreferences: putChannelMembershipPreferences,
};
