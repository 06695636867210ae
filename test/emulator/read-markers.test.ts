import {
  BadRequestException,
  CreateChannelBanCommand,
  DescribeChannelMembershipForAppInstanceUserCommand,
  ForbiddenException,
  ListChannelMembershipsForAppInstanceUserCommand,
  NotFoundException,
  UpdateChannelReadMarkerCommand,
} from '@aws-sdk/client-chime-sdk-messaging';
import { createChannel, useChannelScene } from '../support/channels';
import { TestChime, TestWorld } from '../support/local-chime';

/** The service clock, moved by hand so read-marker times are exact. */
let clockMs = Date.parse('2024-05-01T12:00:00Z');
const tick = (ms = 1000) => (clockMs += ms);

let t: TestChime, world: TestWorld, alice: string, bob: string, carol: string;
useChannelScene((scene) => ({ t, world, alice, bob, carol } = scene), { chime: { clock: () => clockMs } });

/** A new channel alice created with bob as a member; carol stays outside. */
async function scene() {
  const channelArn = await createChannel(t, world, alice, { Name: 'reading room', MemberArns: [bob] });
  return { ...world, channelArn, alice, bob, carol };
}

const markRead = (channelArn: string, bearer: string) => t.messaging.send(new UpdateChannelReadMarkerCommand({ ChannelArn: channelArn, ChimeBearer: bearer }));

/** The read marker as the member's own membership view reports it. */
const readMarkerOf = async (channelArn: string, member: string) =>
  (
    await t.messaging.send(
      new DescribeChannelMembershipForAppInstanceUserCommand({ ChannelArn: channelArn, AppInstanceUserArn: member, ChimeBearer: member }),
    )
  ).ChannelMembership!.AppInstanceUserMembershipSummary!.ReadMarkerTimestamp;

describe('UpdateChannelReadMarker', () => {
  test('UpdateChannelReadMarker by a member returns the ChannelArn and records the time', async () => {
    const s = await scene();
    expect(await readMarkerOf(s.channelArn, s.bob)).toBeUndefined();
    const readAt = tick();
    const out = await markRead(s.channelArn, s.bob);
    expect(out.ChannelArn).toBe(s.channelArn);
    expect(await readMarkerOf(s.channelArn, s.bob)).toEqual(new Date(readAt));
    const listed = await t.messaging.send(new ListChannelMembershipsForAppInstanceUserCommand({ ChimeBearer: s.bob }));
    const summary = listed.ChannelMemberships!.find((m) => m.ChannelSummary?.ChannelArn === s.channelArn);
    expect(summary?.AppInstanceUserMembershipSummary?.ReadMarkerTimestamp).toEqual(new Date(readAt));
  });

  test('UpdateChannelReadMarker moves forward on every call', async () => {
    const s = await scene();
    const first = tick();
    await markRead(s.channelArn, s.bob);
    const second = tick(5000);
    await markRead(s.channelArn, s.bob);
    expect(second).toBeGreaterThan(first);
    expect(await readMarkerOf(s.channelArn, s.bob)).toEqual(new Date(second));
  });

  test('UpdateChannelReadMarker of one member leaves the others unchanged', async () => {
    const s = await scene();
    const aliceReadAt = tick();
    await markRead(s.channelArn, s.alice);
    tick();
    await markRead(s.channelArn, s.bob);
    expect(await readMarkerOf(s.channelArn, s.alice)).toEqual(new Date(aliceReadAt));
  });

  test('UpdateChannelReadMarker by a non-member is forbidden', async () => {
    const s = await scene();
    await expect(markRead(s.channelArn, s.carol)).rejects.toBeInstanceOf(ForbiddenException);
    // An AppInstanceAdmin has no membership to mark either.
    await expect(markRead(s.channelArn, s.admin)).rejects.toBeInstanceOf(ForbiddenException);
  });

  test('UpdateChannelReadMarker by a banned user is forbidden', async () => {
    const s = await scene();
    await t.messaging.send(new CreateChannelBanCommand({ ChannelArn: s.channelArn, MemberArn: s.bob, ChimeBearer: s.alice }));
    await expect(markRead(s.channelArn, s.bob)).rejects.toThrow(/banned/);
  });

  test('UpdateChannelReadMarker on an unknown channel is NotFound', async () => {
    const s = await scene();
    await expect(markRead(`${s.appInstanceArn}/channel/no-such-channel`, s.bob)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('UpdateChannelReadMarker with a malformed ChannelArn is a BadRequest', async () => {
    const s = await scene();
    await expect(markRead('not-an-arn', s.bob)).rejects.toBeInstanceOf(BadRequestException);
  });
});
