import {
  BadRequestException,
  CreateAppInstanceBotCommand,
  CreateAppInstanceCommand,
  CreateAppInstanceUserCommand,
  DeleteAppInstanceUserCommand,
  ListTagsForResourceCommand,
  NotFoundException,
  ResourceLimitExceededException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-chime-sdk-identity';
import {
  CreateChannelCommand,
  ListTagsForResourceCommand as MessagingListTags,
  NotFoundException as MessagingNotFound,
  TagResourceCommand as MessagingTagResource,
  UntagResourceCommand as MessagingUntagResource,
} from '@aws-sdk/client-chime-sdk-messaging';
import { startTestChime, TestChime } from '../support/local-chime';

let t: TestChime;
let instance: string;
beforeAll(async () => {
  t = await startTestChime();
  instance = (await t.identity.send(new CreateAppInstanceCommand({ Name: 'tags' }))).AppInstanceArn!;
});
afterAll(() => t.close());

let counter = 0;
async function newUser(tags?: { Key: string; Value: string }[]): Promise<string> {
  const id = `user${++counter}`;
  return (await t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: instance, AppInstanceUserId: id, Name: id, Tags: tags })))
    .AppInstanceUserArn!;
}

const tagsOf = async (arn: string) => (await t.identity.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags;
const many = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${String(i).padStart(2, '0')}`, Value: `v${i}` }));

test('TagResource then ListTagsForResource returns the tags in key order', async () => {
  const user = await newUser();
  await t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [{ Key: 'team', Value: 'blue' }, { Key: 'env', Value: 'dev' }] }));
  expect(await tagsOf(user)).toEqual([
    { Key: 'env', Value: 'dev' },
    { Key: 'team', Value: 'blue' },
  ]);
});

test('TagResource with an existing key replaces its value', async () => {
  const user = await newUser([{ Key: 'team', Value: 'blue' }]);
  await t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [{ Key: 'team', Value: 'red' }] }));
  expect(await tagsOf(user)).toEqual([{ Key: 'team', Value: 'red' }]);
});

test('CreateAppInstance and CreateAppInstanceBot store the Tags they are given', async () => {
  const { AppInstanceArn } = await t.identity.send(new CreateAppInstanceCommand({ Name: 'tagged', Tags: [{ Key: 'owner', Value: 'ops' }] }));
  expect(await tagsOf(AppInstanceArn!)).toEqual([{ Key: 'owner', Value: 'ops' }]);
  const { AppInstanceBotArn } = await t.identity.send(
    new CreateAppInstanceBotCommand({
      AppInstanceArn: instance,
      Tags: [{ Key: 'kind', Value: 'lex' }],
      Configuration: { Lex: { LexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/KLMNOPQRST', LocaleId: 'en_US' } },
    }),
  );
  expect(await tagsOf(AppInstanceBotArn!)).toEqual([{ Key: 'kind', Value: 'lex' }]);
});

test('UntagResource removes the named keys and ignores keys the resource lacks', async () => {
  const user = await newUser([
    { Key: 'a', Value: '1' },
    { Key: 'b', Value: '2' },
    { Key: 'c', Value: '3' },
  ]);
  await t.identity.send(new UntagResourceCommand({ ResourceARN: user, TagKeys: ['a', 'c', 'missing'] }));
  expect(await tagsOf(user)).toEqual([{ Key: 'b', Value: '2' }]);
});

test('TagResource through the messaging client tags a channel, visible to both clients', async () => {
  const creator = await newUser();
  const channel = (await t.messaging.send(new CreateChannelCommand({ AppInstanceArn: instance, Name: 'tagged', ChimeBearer: creator }))).ChannelArn!;
  await t.messaging.send(new MessagingTagResource({ ResourceARN: channel, Tags: [{ Key: 'topic', Value: 'support' }, { Key: 'tier', Value: 'gold' }] }));
  const viaMessaging = await t.messaging.send(new MessagingListTags({ ResourceARN: channel }));
  expect(viaMessaging.Tags).toEqual([
    { Key: 'tier', Value: 'gold' },
    { Key: 'topic', Value: 'support' },
  ]);
  expect(await tagsOf(channel)).toEqual(viaMessaging.Tags);
  await t.messaging.send(new MessagingUntagResource({ ResourceARN: channel, TagKeys: ['tier'] }));
  expect(await tagsOf(channel)).toEqual([{ Key: 'topic', Value: 'support' }]);
});

test('TagResource, UntagResource and ListTagsForResource of an unknown resource are NotFound', async () => {
  const ghost = `${instance}/user/ghost`;
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: ghost, Tags: [{ Key: 'k', Value: 'v' }] }))).rejects.toBeInstanceOf(NotFoundException);
  await expect(t.identity.send(new UntagResourceCommand({ ResourceARN: ghost, TagKeys: ['k'] }))).rejects.toBeInstanceOf(NotFoundException);
  await expect(t.identity.send(new ListTagsForResourceCommand({ ResourceARN: ghost }))).rejects.toBeInstanceOf(NotFoundException);
  await expect(t.messaging.send(new MessagingListTags({ ResourceARN: `${instance}/channel/ghost` }))).rejects.toBeInstanceOf(MessagingNotFound);
});

test('TagResource rejects more than 50 tags in one request, empty values and long keys', async () => {
  const user = await newUser();
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: many(51) }))).rejects.toThrow(/Tags must hold 1\.\.50 tags, got 51/);
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [] }))).rejects.toBeInstanceOf(BadRequestException);
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [{ Key: 'k', Value: '' }] }))).rejects.toThrow(/Value must be 1\.\.256/);
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }))).rejects.toThrow(
    /Key must be 1\.\.128 characters long, got 129/,
  );
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: 'not-an-arn', Tags: [{ Key: 'k', Value: 'v' }] }))).rejects.toBeInstanceOf(
    BadRequestException,
  );
  expect(await tagsOf(user)).toEqual([]);
});

test('TagResource beyond 50 tags on a resource is ResourceLimitExceeded and writes nothing', async () => {
  const user = await newUser(many(45));
  await expect(t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: many(6, 'x') }))).rejects.toBeInstanceOf(ResourceLimitExceededException);
  expect(await tagsOf(user)).toHaveLength(45);
  // Replacing existing keys does not count twice.
  await t.identity.send(new TagResourceCommand({ ResourceARN: user, Tags: [...many(45), ...many(5, 'x')] }));
  expect(await tagsOf(user)).toHaveLength(50);
});

test('UntagResource rejects an empty or oversized TagKeys list', async () => {
  const user = await newUser();
  await expect(t.identity.send(new UntagResourceCommand({ ResourceARN: user, TagKeys: [] }))).rejects.toBeInstanceOf(BadRequestException);
  await expect(t.identity.send(new UntagResourceCommand({ ResourceARN: user, TagKeys: many(51).map((tag) => tag.Key) }))).rejects.toThrow(
    /TagKeys must hold 1\.\.50 keys, got 51/,
  );
});

test('DeleteAppInstanceUser drops the tags of the deleted user', async () => {
  const user = await newUser([{ Key: 'old', Value: 'yes' }]);
  await t.identity.send(new DeleteAppInstanceUserCommand({ AppInstanceUserArn: user }));
  const id = user.split('/').pop()!;
  await t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn: instance, AppInstanceUserId: id, Name: id }));
  expect(await tagsOf(user)).toEqual([]);
});
