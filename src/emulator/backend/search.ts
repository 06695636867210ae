/**
 * SearchChannels: channels found by who belongs to them.
 *
 * Rules (SDK docs): the only SearchField key is MEMBERS, whose Values are
 * AppInstanceUser ARNs; INCLUDES finds channels whose members include every
 * value, EQUALS channels whose members are exactly the values. Several fields
 * must all hold. "Users or bots can search across the channels that they
 * belong to. Users in the AppInstanceAdmin role can search across all
 * channels" (of their AppInstance), PUBLIC and PRIVATE alike.
 *
 * Choices: every membership counts, HIDDEN ones and a moderator's membership
 * in an elastic channel included, because the search is over memberships and
 * only members and admins can search. Results are ChannelSummary objects
 * ordered by name then ARN, as ListChannels orders them.
 */
import { createHash } from 'node:crypto';
import type { SearchChannelsRequest, SearchChannelsResponse, SearchField } from '@aws-sdk/client-chime-sdk-messaging';
import { badRequest } from '../errors';
import { ChannelRow } from '../store/rows';
import { isAppInstanceAdmin, requireBearer } from './access';
import { assertChimeArn } from './arns';
import { Backend } from './backend';
import { channelSummaryOf } from './channel-view';
import { keysetPage, pageRequest } from './keyset-page';
import { OperationTable, Output } from './operation';
import { assertEnum, assertLength } from './validate';

const KEYS = ['MEMBERS'] as const;
const OPERATORS = ['EQUALS', 'INCLUDES'] as const;
/** SearchFields and SearchFieldValues: 1..20 each (the model). */
const MAX_FIELDS = 20;
const MAX_VALUES = 20;

/** A checked field: its operator and its distinct member ARNs. */
interface MemberFilter {
  operator: (typeof OPERATORS)[number];
  members: string[];
}

function checkFields(fields: SearchField[] | undefined): MemberFilter[] {
  if (!fields || fields.length < 1 || fields.length > MAX_FIELDS) {
    throw badRequest(`Fields must hold 1..${MAX_FIELDS} search fields, got ${fields?.length ?? 0}.`);
  }
  return fields.map((field, i) => {
    if (field.Key === undefined) throw badRequest(`Fields[${i}].Key is required.`);
    assertEnum(`Fields[${i}].Key`, field.Key, KEYS);
    if (field.Operator === undefined) throw badRequest(`Fields[${i}].Operator is required.`);
    assertEnum(`Fields[${i}].Operator`, field.Operator, OPERATORS);
    const values = field.Values ?? [];
    if (values.length < 1 || values.length > MAX_VALUES) throw badRequest(`Fields[${i}].Values must hold 1..${MAX_VALUES} values, got ${values.length}.`);
    values.forEach((value, j) => {
      assertLength(`Fields[${i}].Values[${j}]`, value, 1, 512);
      assertChimeArn(`Fields[${i}].Values[${j}]`, value);
    });
    return { operator: field.Operator, members: [...new Set(values)].sort() };
  });
}

/** SQL condition on channel `c` for one filter, with its parameters. */
function filterSql(filter: MemberFilter): { sql: string; params: unknown[] } {
  const members = JSON.stringify(filter.members);
  const matching = `(SELECT count(*) FROM channel_memberships m WHERE m.channel_arn = c.arn AND m.member_arn IN (SELECT value FROM json_each(?))) = ?`;
  if (filter.operator === 'INCLUDES') return { sql: matching, params: [members, filter.members.length] };
  return {
    sql: `${matching} AND (SELECT count(*) FROM channel_memberships m WHERE m.channel_arn = c.arn) = ?`,
    params: [members, filter.members.length, filter.members.length],
  };
}

function searchChannels(backend: Backend, input: SearchChannelsRequest): Output<SearchChannelsResponse> {
  const filters = checkFields(input.Fields);
  const page = pageRequest(input);
  // The header is mandatory (SDK docs) although the model marks it optional: without a bearer there is no one to scope the search to.
  const bearer = requireBearer(backend, input.ChimeBearer);
  const admin = isAppInstanceAdmin(backend, bearer.appInstanceArn, bearer.arn);

  // Every filter requires its first member to belong, and a non-admin must belong too: drive the query from that member's memberships.
  const anchor = admin ? filters[0].members[0] : bearer.arn;
  const where = ['c.app_instance_arn = ?', 'c.arn IN (SELECT channel_arn FROM channel_memberships WHERE member_arn = ?)'];
  const params: unknown[] = [bearer.appInstanceArn, anchor];
  for (const filter of filters) {
    const { sql, params: p } = filterSql(filter);
    where.push(sql);
    params.push(...p);
  }
  // A token is valid only for the same bearer and fields; hashed, so a 400-value search still fits NextToken's 2048 characters.
  const fingerprint = createHash('sha256').update(JSON.stringify(filters)).digest('base64url');
  const { rows, NextToken } = keysetPage<ChannelRow>(backend, {
    scope: `SearchChannels|${bearer.arn}|${fingerprint}`,
    columns: 'c.*',
    from: 'channels c',
    where,
    params,
    keys: ['c.name', 'c.arn'],
    page,
  });
  return { Channels: rows.map(channelSummaryOf), NextToken };
}

/** Search operations, by AWS operation name. */
export const searchOperations: OperationTable = {
  SearchChannels: searchChannels,
};
