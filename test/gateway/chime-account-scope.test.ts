/**
 * The rooms API is authorized by the gateway's own AWS credentials, so the
 * gateway itself confines it to the Amazon Chime accounts it is configured to
 * serve (CHIME_ACCOUNT_IDS).
 */
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import { loadConfig } from '../../src/gateway/config';
import { createLogger } from '../../src/gateway/logger';
import { RunningGateway, startGateway } from '../../src/gateway/server';
import { startTestGateway, TestGateway } from '../support/gateway';

let t: TestGateway;
let scoped: RunningGateway;
let unscoped: RunningGateway;
let admin: string;
const accounts = { served: '', other: '' };

beforeAll(async () => {
  t = await startTestGateway();
  admin = await t.tokenFor(t.world.admin);
  accounts.served = (await t.chime.rooms.send(new CreateAccountCommand({ Name: 'served' }))).Account!.AccountId!;
  accounts.other = (await t.chime.rooms.send(new CreateAccountCommand({ Name: 'other' }))).Account!.AccountId!;
  const logger = createLogger({ level: 'silent' });
  scoped = await startGateway({ config: { ...t.config, chimeAccountIds: [accounts.served] }, clients: t.clients, logger });
  unscoped = await startGateway({ config: { ...t.config, chimeAccountIds: undefined }, clients: t.clients, logger });
});
afterAll(async () => {
  await scoped?.close();
  await unscoped?.close();
  await t?.close();
});

async function gql(gateway: RunningGateway, query: string, variables: object = {}): Promise<any> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

const ACCOUNT = 'query($a: String!) { chimeAccount(accountId: $a) { accountId name } }';

test('an admin reads a configured account', async () => {
  const before = t.upstreamCalls().length;
  const body = await gql(scoped, ACCOUNT, { a: accounts.served });
  expect(t.upstreamCalls().slice(before)).toContain('GetAccount');
  expect(body.errors).toBeUndefined();
  expect(body.data.chimeAccount).toEqual({ accountId: accounts.served, name: 'served' });
});

test('an account outside CHIME_ACCOUNT_IDS is FORBIDDEN before any upstream call', async () => {
  const before = t.upstreamCalls().length;
  const body = await gql(scoped, ACCOUNT, { a: accounts.other });
  expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  expect(body.errors[0].message).toMatch(/CHIME_ACCOUNT_IDS/);
  expect(t.upstreamCalls().slice(before)).not.toContain('GetAccount');
});

test('chimeAccounts lists only the configured accounts', async () => {
  const body = await gql(scoped, '{ chimeAccounts { edges { node { accountId } } } }');
  expect(body.errors).toBeUndefined();
  expect(body.data.chimeAccounts.edges.map((e: any) => e.node.accountId)).toEqual([accounts.served]);
});

test('createChimeAccount is FORBIDDEN when the gateway serves a fixed list of accounts', async () => {
  const body = await gql(scoped, 'mutation { createChimeAccount(input: { name: "sneaky" }) { account { accountId } } }');
  expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
});

test('a gateway configured with no accounts serves no rooms at all', async () => {
  const body = await gql(unscoped, ACCOUNT, { a: accounts.served });
  expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
  expect(body.errors[0].message).toMatch(/serves no Amazon Chime accounts/);
});

describe('CHIME_ACCOUNT_IDS', () => {
  const aws = { AWS_REGION: 'us-east-1', CHIME_APP_INSTANCE_ARN: 'arn:aws:chime:us-east-1:123456789012:app-instance/abc', AUTH_JWT_SECRET: 'x'.repeat(48) };

  test('defaults to any account with the embedded local Chime service, and to none against AWS', () => {
    expect(loadConfig({}).gateway.chimeAccountIds).toBe('any');
    expect(loadConfig(aws).gateway.chimeAccountIds).toEqual([]);
  });

  test('takes a comma-separated list of account ids, or * for any', () => {
    const id = '0b6b5f7e-3c53-4f3b-9f5e-2a1c4d5e6f70';
    expect(loadConfig({ ...aws, CHIME_ACCOUNT_IDS: ` ${id} ,` }).gateway.chimeAccountIds).toEqual([id]);
    expect(loadConfig({ ...aws, CHIME_ACCOUNT_IDS: '*' }).gateway.chimeAccountIds).toBe('any');
  });

  test('names the variable and the bad value', () => {
    expect(() => loadConfig({ ...aws, CHIME_ACCOUNT_IDS: 'not-an-account' })).toThrow(/CHIME_ACCOUNT_IDS.*"not-an-account"/);
  });
});
