/**
 * What the channel tests share: a service with an AppInstance and its users,
 * channels made through CreateChannel, the session events a call publishes,
 * and listings followed to their last page. Everything goes through the real
 * SDK clients of `startTestChime`.
 */
import {
  CreateChannelCommand,
  CreateChannelMembershipCommand,
  DeleteChannelMembershipCommand,
  ListSubChannelsCommand,
  type ChannelMembershipType,
  type CreateChannelMembershipCommandOutput,
  type CreateChannelRequest,
  type ElasticChannelConfiguration,
} from '@aws-sdk/client-chime-sdk-messaging';
import type { ChannelEvent } from '../../src/emulator/backend/events';
import type { LocalChimeOptions } from '../../src/emulator/server';
import { allPages, createUsers, createWorld, startTestChime, TestChime, TestWorld } from './local-chime';

/** A running service and an AppInstance whose AppInstanceAdmin is `admin` and whose users are alice, bob and carol. */
export interface ChannelScene {
  t: TestChime;
  world: TestWorld;
  admin: string;
  alice: string;
  bob: string;
  carol: string;
  /** `createChannel` in this scene's AppInstance. */
  channel(creator: string, settings?: Partial<CreateChannelRequest>): Promise<string>;
  /** `addMember` of a DEFAULT member in this scene's service. */
  addMember(channelArn: string, memberArn: string, bearer: string): Promise<CreateChannelMembershipCommandOutput>;
}

/** Options of `startChannelScene` and `useChannelScene`. */
export interface ChannelSceneOptions {
  /** Options of the service, e.g. a `clock` the tests move by hand. Default none. */
  chime?: LocalChimeOptions;
  /** Users of the AppInstance beyond alice, bob and carol, in `world.users` under these names. Default none. */
  moreUsers?: string[];
}

/** Starts a service and creates the AppInstance of a ChannelScene; the caller closes `t`. */
export async function startChannelScene(options: ChannelSceneOptions = {}): Promise<ChannelScene> {
  const t = await startTestChime(options.chime);
  const world = await createWorld(t.identity, ['alice', 'bob', 'carol', ...(options.moreUsers ?? [])]);
  const { alice, bob, carol } = world.users;
  return {
    t,
    world,
    admin: world.admin,
    alice,
    bob,
    carol,
    channel: (creator, settings) => createChannel(t, world, creator, settings),
    addMember: (channelArn, memberArn, bearer) => addMember(t, channelArn, memberArn, bearer),
  };
}

/**
 * Starts a ChannelScene before the tests of the calling file and closes it
 * after them. `receive` is called with it once started, to set the file's
 * module-level variables (the scene does not exist yet when the file loads).
 */
export function useChannelScene(receive: (scene: ChannelScene) => void, options: ChannelSceneOptions = {}): void {
  let scene: ChannelScene | undefined;
  beforeAll(async () => {
    scene = await startChannelScene(options);
    receive(scene);
  });
  afterAll(() => scene?.t.close());
}

/** Users `<prefix>00`, `<prefix>01`, ... of the world's AppInstance, named as their ids; returns their ARNs. */
export function createNamedUsers(t: TestChime, world: TestWorld, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  return createUsers(t.identity, world.appInstanceArn, ids);
}

/** Creates a channel named `room` (unless `settings` say otherwise) as `creator`, who becomes its moderator, and of a standard channel its member. */
export async function createChannel(t: TestChime, world: TestWorld, creator: string, settings: Partial<CreateChannelRequest> = {}): Promise<string> {
  const { ChannelArn } = await t.messaging.send(
    new CreateChannelCommand({ AppInstanceArn: world.appInstanceArn, Name: 'room', ChimeBearer: creator, ...settings }),
  );
  return ChannelArn!;
}

/** 3 sub-channels of 4 members; below ceil(4 x 40%) = 2 members a sub-channel is merged away. */
export const SMALL_ELASTIC: ElasticChannelConfiguration = { MaximumSubChannels: 3, TargetMembershipsPerSubChannel: 4, MinimumMembershipPercentage: 40 };

/** An elastic channel named `live` (RESTRICTED, as elastic channels must be), created by `creator`, who becomes its moderator and no member. */
export function createElasticChannel(t: TestChime, world: TestWorld, creator: string, config: ElasticChannelConfiguration = SMALL_ELASTIC): Promise<string> {
  return createChannel(t, world, creator, { Name: 'live', Mode: 'RESTRICTED', ElasticChannelConfiguration: config });
}

/** CreateChannelMembership of `MemberArn` by `ChimeBearer`. */
export function addMember(
  t: TestChime,
  ChannelArn: string,
  MemberArn: string,
  ChimeBearer: string,
  Type: ChannelMembershipType = 'DEFAULT',
  SubChannelId?: string,
) {
  return t.messaging.send(new CreateChannelMembershipCommand({ ChannelArn, MemberArn, Type, ChimeBearer, SubChannelId }));
}

/** DeleteChannelMembership of `MemberArn` by `ChimeBearer`. */
export function removeMember(t: TestChime, ChannelArn: string, MemberArn: string, ChimeBearer: string, SubChannelId?: string) {
  return t.messaging.send(new DeleteChannelMembershipCommand({ ChannelArn, MemberArn, ChimeBearer, SubChannelId }));
}

/** Adds members one by one, as `bearer`, and returns the SubChannelId each got. */
export async function fillElasticChannel(t: TestChime, channelArn: string, bearer: string, members: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const member of members) ids.push((await addMember(t, channelArn, member, bearer)).SubChannelId!);
  return ids;
}

/** An elastic channel and the sub-channels its members fill unevenly. */
export interface UnevenElasticChannel {
  ch: string;
  /** Its six members' ARNs, `u[0]` of whom has left again. */
  u: string[];
  /** The first sub-channel: 3 members, u[1] to u[3]. */
  a: string;
  /** The second sub-channel: 2 members, u[4] and u[5], the minimum of SMALL_ELASTIC. */
  b: string;
}

/**
 * A SMALL_ELASTIC channel of `creator`'s (its moderator and no member) that
 * six fresh users `<prefix>00..05` joined and the first left: one member
 * fewer in b, and the service moves the other one to a.
 */
export async function createUnevenElasticChannel(t: TestChime, world: TestWorld, creator: string, prefix: string): Promise<UnevenElasticChannel> {
  const u = await createNamedUsers(t, world, prefix, 6);
  const ch = await createElasticChannel(t, world, creator);
  const ids = await fillElasticChannel(t, ch, creator, u);
  await removeMember(t, ch, u[0], creator);
  return { ch, u, a: ids[0], b: ids[4] };
}

/** Every sub-channel as `[id, MembershipCount]`, in ListSubChannels order, all pages followed. */
export function listSubChannels(t: TestChime, channelArn: string, bearer: string, maxResults?: number): Promise<[string, number][]> {
  return allPages(
    (NextToken) => t.messaging.send(new ListSubChannelsCommand({ ChannelArn: channelArn, ChimeBearer: bearer, MaxResults: maxResults, NextToken })),
    (page) => {
      expect(page.ChannelArn).toBe(channelArn);
      return page.SubChannels!.map((s): [string, number] => [s.SubChannelId!, s.MembershipCount!]);
    },
  );
}

/** Records the session events the service publishes while `fn` runs. */
export async function eventsDuring(t: TestChime, fn: () => Promise<unknown>): Promise<ChannelEvent[]> {
  const events: ChannelEvent[] = [];
  const stop = t.chime.backend.events.subscribe((e) => events.push(e));
  try {
    await fn();
  } finally {
    stop();
  }
  return events;
}

/** A sorted copy, for comparing sets of ARNs. */
export const sorted = (arns: readonly string[]): string[] => [...arns].sort();
