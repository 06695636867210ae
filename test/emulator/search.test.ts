import {
  BadRequestException,
  CreateChannelMembershipCommand,
  DeleteChannelMembershipCommand,
  SearchChannelsCommand,
  type CreateChannelRequest,
  type SearchField,
} from '@aws-sdk/client-chime-sdk-messaging';
import { createChannel } from '../support/channels';
import { allPages, createWorld, startTestChime, TestChime, TestWorld } from '../support/local-chime';

let t: TestChime;
beforeAll(async () => {
  t = await startTestChime();
});
afterAll(() => t.close());

/** A fresh AppInstance per test, so searches see only that test's channels. */
async function world(): Promise<TestWorld & { channel: (name: string, creator: string, settings?: Partial<CreateChannelRequest>) => Promise<string> }> {
  const w = await createWorld(t.identity, ['alice', 'bob', 'carol', 'dave']);
  return { ...w, channel: (name, creator, settings = {}) => createChannel(t, w, creator, { Name: name, ...settings }) };
}

const search = (ChimeBearer: string, Fields: SearchField[], page: { MaxResults?: number; NextToken?: string } = {}) =>
  t.messaging.send(new SearchChannelsCommand({ ChimeBearer, Fields, ...page }));
const members = (Operator: 'EQUALS' | 'INCLUDES', ...Values: string[]): SearchField => ({ Key: 'MEMBERS', Operator, Values });

/** Channel names of one search, all pages followed. */
const names = (bearer: string, fields: SearchField[], maxResults?: number): Promise<string[]> =>
  allPages(
    (NextToken) => search(bearer, fields, { MaxResults: maxResults, NextToken }),
    (page) => page.Channels!.map((c) => c.Name!),
  );

describe('SearchChannels', () => {
  test('SearchChannels INCLUDES finds every channel whose members include all values, PUBLIC and PRIVATE, for an admin', async () => {
    const w = await world();
    const { alice, bob, carol } = w.users;
    const a = await w.channel('a-public', alice, { MemberArns: [bob] });
    await w.channel('b-private', alice, { MemberArns: [bob, carol], Privacy: 'PRIVATE' });
    await w.channel('c-without-bob', alice, { MemberArns: [carol] });
    const out = await search(w.admin, [members('INCLUDES', bob)]);
    expect(out.Channels!.map((c) => c.Name)).toEqual(['a-public', 'b-private']);
    expect(out.Channels![0]).toMatchObject({ ChannelArn: a, Name: 'a-public', Mode: 'UNRESTRICTED', Privacy: 'PUBLIC' });
    expect(out.NextToken).toBeUndefined();
    expect(await names(w.admin, [members('INCLUDES', bob, carol)])).toEqual(['b-private']);
  });

  test('SearchChannels EQUALS finds only channels whose members are exactly the values', async () => {
    const w = await world();
    const { alice, bob, carol } = w.users;
    await w.channel('pair', alice, { MemberArns: [bob] });
    await w.channel('trio', alice, { MemberArns: [bob, carol] });
    await w.channel('solo', alice);
    expect(await names(w.admin, [members('EQUALS', alice, bob)])).toEqual(['pair']);
    expect(await names(w.admin, [members('EQUALS', bob, alice, bob)])).toEqual(['pair']);
    expect(await names(w.admin, [members('EQUALS', alice)])).toEqual(['solo']);
    expect(await names(w.admin, [members('EQUALS', bob)])).toEqual([]);
  });

  test('SearchChannels with several fields returns the channels matching all of them', async () => {
    const w = await world();
    const { alice, bob, carol, dave } = w.users;
    await w.channel('ab', alice, { MemberArns: [bob] });
    await w.channel('abc', alice, { MemberArns: [bob, carol] });
    await w.channel('abcd', alice, { MemberArns: [bob, carol, dave] });
    expect(await names(w.admin, [members('INCLUDES', bob), members('INCLUDES', carol)])).toEqual(['abc', 'abcd']);
    expect(await names(w.admin, [members('INCLUDES', carol), members('EQUALS', alice, bob, carol)])).toEqual(['abc']);
  });

  test('SearchChannels by a non-admin covers only the channels the bearer belongs to', async () => {
    const w = await world();
    const { alice, bob, carol } = w.users;
    await w.channel('public-without-carol', alice, { MemberArns: [bob] });
    await w.channel('private-with-carol', alice, { MemberArns: [bob, carol], Privacy: 'PRIVATE' });
    await w.channel('public-with-carol', alice, { MemberArns: [bob, carol] });
    expect(await names(carol, [members('INCLUDES', bob)])).toEqual(['private-with-carol', 'public-with-carol']);
    expect(await names(w.users.dave, [members('INCLUDES', bob)])).toEqual([]);
  });

  test('SearchChannels counts HIDDEN members and forgets members who left', async () => {
    const w = await world();
    const { alice, bob, carol } = w.users;
    const ch = await w.channel('room', alice);
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: ch, MemberArn: bob, Type: 'HIDDEN', ChimeBearer: alice }));
    await t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn: ch, MemberArn: carol, Type: 'DEFAULT', ChimeBearer: alice }));
    expect(await names(w.admin, [members('EQUALS', alice, bob, carol)])).toEqual(['room']);
    await t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn: ch, MemberArn: carol, ChimeBearer: carol }));
    expect(await names(w.admin, [members('INCLUDES', carol)])).toEqual([]);
    expect(await names(w.admin, [members('EQUALS', alice, bob)])).toEqual(['room']);
  });

  test('SearchChannels does not reach into another AppInstance', async () => {
    const w = await world();
    const other = await world();
    await w.channel('mine', w.users.alice, { MemberArns: [w.users.bob] });
    expect(await names(other.admin, [members('INCLUDES', w.users.bob)])).toEqual([]);
  });

  test('SearchChannels pages with MaxResults and NextToken without gap or repeat while channels are added', async () => {
    const w = await world();
    const { alice, bob } = w.users;
    for (let i = 0; i < 7; i++) await w.channel(`ch-${i}`, alice, { MemberArns: [bob] });
    const first = await search(w.admin, [members('INCLUDES', bob)], { MaxResults: 3 });
    expect(first.Channels!.map((c) => c.Name)).toEqual(['ch-0', 'ch-1', 'ch-2']);
    expect(first.NextToken).toBeDefined();
    // Added between pages: one sorting before the cursor (never shown), one after (shown once).
    await w.channel('ch-0a', alice, { MemberArns: [bob] });
    await w.channel('ch-9', alice, { MemberArns: [bob] });
    const rest: string[] = [];
    let next = first.NextToken;
    while (next) {
      const page = await search(w.admin, [members('INCLUDES', bob)], { MaxResults: 3, NextToken: next });
      expect(page.Channels!.length).toBeLessThanOrEqual(3);
      rest.push(...page.Channels!.map((c) => c.Name!));
      next = page.NextToken;
    }
    expect(rest).toEqual(['ch-3', 'ch-4', 'ch-5', 'ch-6', 'ch-9']);
  });

  test('SearchChannels refuses a NextToken from another search or bearer', async () => {
    const w = await world();
    const { alice, bob, carol } = w.users;
    for (let i = 0; i < 3; i++) await w.channel(`ch-${i}`, alice, { MemberArns: [bob, carol] });
    const { NextToken } = await search(w.admin, [members('INCLUDES', bob)], { MaxResults: 1 });
    await expect(search(w.admin, [members('INCLUDES', carol)], { MaxResults: 1, NextToken })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('NextToken'),
    });
    await expect(search(bob, [members('INCLUDES', bob)], { MaxResults: 1, NextToken })).rejects.toBeInstanceOf(BadRequestException);
    await expect(search(w.admin, [members('INCLUDES', bob)], { NextToken: 'forged.token' })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('SearchChannels refuses MaxResults outside 1..50', async () => {
    const w = await world();
    await expect(search(w.admin, [members('INCLUDES', w.users.bob)], { MaxResults: 51 })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('MaxResults'),
    });
    await expect(search(w.admin, [members('INCLUDES', w.users.bob)], { MaxResults: 0 })).rejects.toBeInstanceOf(BadRequestException);
  });

  test('SearchChannels refuses no fields and more than 20', async () => {
    const w = await world();
    await expect(search(w.admin, [])).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('Fields must hold 1..20') });
    const many = Array.from({ length: 21 }, () => members('INCLUDES', w.users.bob));
    await expect(search(w.admin, many)).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('got 21') });
  });

  test('SearchChannels refuses no values, more than 20, and values that are not ARNs', async () => {
    const w = await world();
    await expect(search(w.admin, [members('INCLUDES')])).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('Values') });
    const many = Array.from({ length: 21 }, (_, i) => `${w.appInstanceArn}/user/u${i}`);
    await expect(search(w.admin, [members('INCLUDES', ...many)])).rejects.toBeInstanceOf(BadRequestException);
    await expect(search(w.admin, [members('EQUALS', 'bob')])).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('Fields[0].Values[0]'),
    });
  });

  test('SearchChannels refuses an unknown Key or Operator', async () => {
    const w = await world();
    const bob = w.users.bob;
    await expect(search(w.admin, [{ Key: 'METADATA' as never, Operator: 'EQUALS', Values: [bob] }])).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('Fields[0].Key must be one of MEMBERS'),
    });
    await expect(search(w.admin, [{ Key: 'MEMBERS', Operator: 'LIKE' as never, Values: [bob] }])).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('Fields[0].Operator'),
    });
  });

  test('SearchChannels without a bearer is forbidden', async () => {
    const w = await world();
    await expect(t.messaging.send(new SearchChannelsCommand({ Fields: [members('INCLUDES', w.users.bob)] }))).rejects.toMatchObject({
      name: 'ForbiddenException',
    });
  });
});
