import {
  BadRequestException,
  CreateChannelBanCommand,
  ForbiddenException,
  GetChannelMembershipPreferencesCommand,
  PutChannelMembershipPreferencesCommand,
  type ChannelMembershipPreferences,
  type CreateChannelRequest,
} from '@aws-sdk/client-chime-sdk-messaging';
import { createChannel, eventsDuring, useChannelScene } from '../support/channels';
import { TestChime, TestWorld } from '../support/local-chime';

let t: TestChime, world: TestWorld, alice: string, bob: string, carol: string, admin: string;
useChannelScene((scene) => ({ t, world, alice, bob, carol, admin } = scene));

/** A channel created by alice (member and moderator) with bob as member. */
const channel = (settings: Partial<CreateChannelRequest> = {}) => createChannel(t, world, alice, { Name: 'prefs', MemberArns: [bob], ...settings });

const put = (ChannelArn: string, MemberArn: string, ChimeBearer: string, Preferences: ChannelMembershipPreferences) =>
  t.messaging.send(new PutChannelMembershipPreferencesCommand({ ChannelArn, MemberArn, ChimeBearer, Preferences }));
const get = (ChannelArn: string, MemberArn: string, ChimeBearer: string) =>
  t.messaging.send(new GetChannelMembershipPreferencesCommand({ ChannelArn, MemberArn, ChimeBearer }));
const filtered = (FilterRule: string): ChannelMembershipPreferences => ({ PushNotifications: { AllowNotifications: 'FILTERED', FilterRule } });

describe('GetChannelMembershipPreferences', () => {
  test('GetChannelMembershipPreferences before any Put answers the default: all notifications', async () => {
    const ch = await channel();
    const out = await get(ch, bob, bob);
    expect(out).toMatchObject({ ChannelArn: ch, Member: { Arn: bob, Name: 'bob' }, Preferences: { PushNotifications: { AllowNotifications: 'ALL' } } });
    expect(out.Preferences!.PushNotifications!.FilterRule).toBeUndefined();
  });

  test('GetChannelMembershipPreferences for another member is forbidden, even to moderators and admins', async () => {
    const ch = await channel();
    await expect(get(ch, bob, alice)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('itself') });
    await expect(get(ch, bob, admin)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('GetChannelMembershipPreferences of a non-member is forbidden', async () => {
    const ch = await channel();
    await expect(get(ch, carol, carol)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('not a member') });
  });

  test('GetChannelMembershipPreferences of a banned user is forbidden', async () => {
    const ch = await channel();
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }));
    await expect(get(ch, bob, bob)).rejects.toMatchObject({ name: 'ForbiddenException', message: expect.stringContaining('banned') });
  });
});

describe('PutChannelMembershipPreferences', () => {
  test('PutChannelMembershipPreferences stores NONE and Get returns it', async () => {
    const ch = await channel();
    const out = await put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'NONE' } });
    expect(out).toMatchObject({ ChannelArn: ch, Member: { Arn: bob, Name: 'bob' }, Preferences: { PushNotifications: { AllowNotifications: 'NONE' } } });
    expect((await get(ch, bob, bob)).Preferences).toEqual({ PushNotifications: { AllowNotifications: 'NONE' } });
    // Preferences belong to one membership: alice's in the same channel are untouched.
    expect((await get(ch, alice, alice)).Preferences).toEqual({ PushNotifications: { AllowNotifications: 'ALL' } });
  });

  test('PutChannelMembershipPreferences stores a FILTERED rule with anything-but and $or', async () => {
    const ch = await channel();
    const rule = JSON.stringify({ sender: [{ 'anything-but': [bob] }], $or: [{ mention: ['bob'] }, { type: ['Room', 'DM'] }] });
    await put(ch, bob, bob, filtered(rule));
    expect((await get(ch, bob, bob)).Preferences).toEqual({ PushNotifications: { AllowNotifications: 'FILTERED', FilterRule: rule } });
  });

  test('PutChannelMembershipPreferences without PushNotifications restores the default', async () => {
    const ch = await channel();
    await put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'NONE' } });
    const out = await put(ch, bob, bob, {});
    expect(out.Preferences).toEqual({ PushNotifications: { AllowNotifications: 'ALL' } });
    expect((await get(ch, bob, bob)).Preferences).toEqual({ PushNotifications: { AllowNotifications: 'ALL' } });
  });

  test('PutChannelMembershipPreferences publishes no session event', async () => {
    const ch = await channel();
    const events = await eventsDuring(t, () => put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'NONE' } }));
    expect(events).toEqual([]);
  });

  test('PutChannelMembershipPreferences FILTERED without a FilterRule is a BadRequest', async () => {
    const ch = await channel();
    await expect(put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'FILTERED' } })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('FilterRule is required'),
    });
  });

  test('PutChannelMembershipPreferences with a FilterRule on ALL is a BadRequest', async () => {
    const ch = await channel();
    await expect(put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'ALL', FilterRule: '{"a":["b"]}' } })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('only with AllowNotifications FILTERED'),
    });
  });

  test('PutChannelMembershipPreferences refuses an unknown AllowNotifications', async () => {
    const ch = await channel();
    await expect(put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'SOME' as never } })).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('AllowNotifications must be one of ALL, NONE, FILTERED'),
    });
  });

  test.each([
    ['not JSON', '{mention: bob}', 'not valid JSON'],
    ['a JSON array', '[{"mention":["bob"]}]', 'JSON object'],
    ['an empty object', '{}', 'at least one message attribute'],
    ['a bare string value', '{"mention":"bob"}', 'non-empty list'],
    ['a prefix matcher', '{"mention":[{"prefix":"b"}]}', 'strings and {"anything-but"'],
    ['a number', '{"mention":[1]}', 'strings and {"anything-but"'],
    ['six $or constraints', JSON.stringify({ $or: [1, 2, 3, 4, 5, 6].map((i) => ({ k: [`v${i}`] })) }), '1..5'],
    ['a nested $or', JSON.stringify({ $or: [{ $or: [{ a: ['b'] }] }] }), 'may not nest'],
    ['complexity 21', JSON.stringify({ a: Array.from({ length: 20 }, (_, i) => `v${i}`) }), 'at most 20, got 21'],
    ['more than 2 KB', JSON.stringify({ a: ['x'.repeat(2100)] }), '1..2048 bytes'],
  ])('PutChannelMembershipPreferences refuses a FilterRule that is %s', async (_case, rule, message) => {
    const ch = await channel();
    await expect(put(ch, bob, bob, filtered(rule))).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining(message) });
  });

  test('PutChannelMembershipPreferences accepts a FilterRule of complexity 20', async () => {
    const ch = await channel();
    const rule = JSON.stringify({ a: Array.from({ length: 19 }, (_, i) => `v${i}`) });
    await expect(put(ch, bob, bob, filtered(rule))).resolves.toMatchObject({ Preferences: { PushNotifications: { FilterRule: rule } } });
  });

  test('PutChannelMembershipPreferences for another member is forbidden, even to moderators and admins', async () => {
    const ch = await channel();
    const none: ChannelMembershipPreferences = { PushNotifications: { AllowNotifications: 'NONE' } };
    await expect(put(ch, bob, alice, none)).rejects.toBeInstanceOf(ForbiddenException);
    await expect(put(ch, bob, admin, none)).rejects.toBeInstanceOf(ForbiddenException);
    expect((await get(ch, bob, bob)).Preferences).toEqual({ PushNotifications: { AllowNotifications: 'ALL' } });
  });

  test('PutChannelMembershipPreferences by a non-member is forbidden', async () => {
    const ch = await channel();
    await expect(put(ch, carol, carol, { PushNotifications: { AllowNotifications: 'NONE' } })).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('PutChannelMembershipPreferences by a banned user is forbidden', async () => {
    const ch = await channel();
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: ch, MemberArn: bob, ChimeBearer: alice }));
    await expect(put(ch, bob, bob, { PushNotifications: { AllowNotifications: 'NONE' } })).rejects.toMatchObject({
      name: 'ForbiddenException',
      message: expect.stringContaining('banned'),
    });
  });

  test('PutChannelMembershipPreferences with a malformed MemberArn is a BadRequest', async () => {
    const ch = await channel();
    await expect(put(ch, 'bob', bob, { PushNotifications: { AllowNotifications: 'NONE' } })).rejects.toBeInstanceOf(BadRequestException);
  });
});
