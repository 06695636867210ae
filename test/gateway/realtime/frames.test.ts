import { decodeFrame, FrameDecodeError, SharedFrameDecoder } from '../../../src/gateway/realtime/frames';
import { closeDisposition, FullJitterBackoff, httpDisposition } from '../../../src/gateway/realtime/reconnect-policy';
import { presignConnectUrl, websocketBase } from '../../../src/gateway/realtime/session-url';
import { Sha256 } from '@aws-crypto/sha256-js';

const CHANNEL = 'arn:aws:chime:us-east-1:123456789012:app-instance/app/channel/c1';

function frame(type: string, payload?: unknown, headers: Record<string, string> = {}): string {
  return JSON.stringify({ Headers: { 'x-amz-chime-event-type': type, ...headers }, Payload: payload === undefined ? undefined : JSON.stringify(payload) });
}

describe('frame decoding', () => {
  test('SESSION_ESTABLISHED decodes to the established marker', () => {
    expect(decodeFrame(frame('SESSION_ESTABLISHED', {}))).toEqual({ kind: 'established' });
  });

  test('a message frame decodes its double-encoded payload once, with Dates', () => {
    const event = decodeFrame(
      frame(
        'CREATE_CHANNEL_MESSAGE',
        { ChannelArn: CHANNEL, MessageId: 'm1', Content: 'hi', CreatedTimestamp: '2024-05-01T10:00:00.123Z', LastUpdatedTimestamp: 1714557600.5, Sender: { Arn: 'u', Name: 'U' } },
        { 'x-amz-chime-message-type': 'STANDARD', 'x-amz-chime-persistence-type': 'PERSISTENT' },
      ),
    );
    expect(event).toMatchObject({ kind: 'message', type: 'CREATE_CHANNEL_MESSAGE', channelArn: CHANNEL, messageType: 'STANDARD', persistence: 'PERSISTENT', backfilled: false });
    if (event.kind !== 'message') throw new Error('not a message event');
    expect(event.message.CreatedTimestamp).toEqual(new Date('2024-05-01T10:00:00.123Z'));
    expect(event.message.LastUpdatedTimestamp).toEqual(new Date(1714557600500));
    expect(event.message.Sender).toEqual({ Arn: 'u', Name: 'U' });
  });

  test('channel-flow variants, CONTROL messages, memberships, channels and CHANNEL_DETAILS decode to their kinds', () => {
    expect(decodeFrame(frame('DENIED_CREATE_CHANNEL_MESSAGE', { ChannelArn: CHANNEL, MessageId: 'm' }))).toMatchObject({ kind: 'message', type: 'DENIED_CREATE_CHANNEL_MESSAGE' });
    expect(decodeFrame(frame('CREATE_CHANNEL_MESSAGE', { ChannelArn: CHANNEL, Type: 'CONTROL' }, { 'x-amz-chime-message-type': 'CONTROL' }))).toMatchObject({
      kind: 'message',
      messageType: 'CONTROL',
    });
    expect(decodeFrame(frame('DELETE_CHANNEL_MEMBERSHIP', { ChannelArn: CHANNEL, Member: { Arn: 'u' } }))).toMatchObject({
      kind: 'membership',
      type: 'DELETE_CHANNEL_MEMBERSHIP',
      membership: { Member: { Arn: 'u' } },
    });
    expect(decodeFrame(frame('BATCH_CREATE_CHANNEL_MEMBERSHIP', { ChannelArn: CHANNEL, Members: [{ Arn: 'a' }] }))).toMatchObject({ kind: 'batchMembership' });
    expect(decodeFrame(frame('UPDATE_CHANNEL', { ChannelArn: CHANNEL, Name: 'n' }))).toMatchObject({ kind: 'channel', type: 'UPDATE_CHANNEL', channel: { Name: 'n' } });
    const details = decodeFrame(frame('CHANNEL_DETAILS', { ChannelSummary: { ChannelArn: CHANNEL, LastMessageTimestamp: '2024-05-01T10:00:00Z' } }));
    expect(details).toMatchObject({ kind: 'channelDetails', channelArn: CHANNEL });
    if (details.kind !== 'channelDetails') throw new Error('not channel details');
    expect(details.details.ChannelSummary?.LastMessageTimestamp).toBeInstanceOf(Date);
  });

  test('an unknown event type is passed on as unrecognized, not dropped', () => {
    expect(decodeFrame(frame('NEW_THING', { ChannelArn: CHANNEL, X: 1 }))).toEqual({ kind: 'unrecognized', type: 'NEW_THING', channelArn: CHANNEL, messageType: undefined, payload: { ChannelArn: CHANNEL, X: 1 } });
  });

  test('malformed frames throw FrameDecodeError naming what was wrong', () => {
    expect(() => decodeFrame('not json')).toThrow(FrameDecodeError);
    expect(() => decodeFrame('{"Payload":"{}"}')).toThrow(/Headers/);
    expect(() => decodeFrame(JSON.stringify({ Headers: { 'x-amz-chime-event-type': 'CREATE_CHANNEL_MESSAGE' }, Payload: '{bad' }))).toThrow(/payload is not JSON/);
    expect(() => decodeFrame(frame('CREATE_CHANNEL_MESSAGE', { MessageId: 'm' }))).toThrow(/names no channel ARN/);
  });
});

describe('reconnect policy', () => {
  test('retries exactly the close codes the official client retries', () => {
    for (const code of [1001, 1006, 1011, 1012, 1013, 1014, 4001, 4005, 4500]) expect(closeDisposition(code)).toEqual({ retry: true });
    expect(closeDisposition(4401)).toEqual({ retry: false, code: 'UPSTREAM_UNAUTHORIZED' });
    expect(closeDisposition(4003)).toEqual({ retry: false, code: 'UPSTREAM_REPLACED' });
    for (const code of [1000, 1002, 1008, 4000, 4002]) expect(closeDisposition(code)).toEqual({ retry: false, code: 'UPSTREAM_CLOSED' });
    expect(httpDisposition(403)).toEqual({ retry: false, code: 'UPSTREAM_UNAUTHORIZED' });
    expect(httpDisposition(503)).toEqual({ retry: true });
    expect(httpDisposition(undefined)).toEqual({ retry: true });
  });

  test('full-jitter backoff stays under a doubling, capped bound and starts over on reset', () => {
    const backoff = new FullJitterBackoff({ initialMs: 100, maxMs: 400, random: () => 0.999 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([99, 199, 399, 399]);
    backoff.reset();
    expect(backoff.next()).toBe(99);
    expect(() => new FullJitterBackoff({ initialMs: 0 })).toThrow(/initialMs 0/);
  });
});

describe('connect URL', () => {
  test('a bare host is wss, or ws when the API endpoint is plain http; a scheme is kept', () => {
    expect(websocketBase('abc.us-east-1.ws-messaging.chime.aws').href).toBe('wss://abc.us-east-1.ws-messaging.chime.aws/');
    expect(websocketBase('127.0.0.1:4100', 'http://127.0.0.1:4100').href).toBe('ws://127.0.0.1:4100/');
    expect(websocketBase('127.0.0.1:4100', 'https://proxy.example').href).toBe('wss://127.0.0.1:4100/');
    expect(websocketBase('wss://host.example:9000', 'http://x').href).toBe('wss://host.example:9000/');
    expect(() => websocketBase('')).toThrow(/empty/);
  });

  test('the presigned URL carries the SigV4 query parameters, a 10 s expiry and the session token', async () => {
    const url = new URL(
      await presignConnectUrl({
        endpointUrl: 'abc.us-east-1.ws-messaging.chime.aws',
        userArn: 'arn:aws:chime:us-east-1:1:app-instance/a/user/u',
        sessionId: 's-1',
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
        sha256: Sha256,
        signingDate: new Date('2024-05-01T10:00:00Z'),
      }),
    );
    expect(url.origin + url.pathname).toBe('wss://abc.us-east-1.ws-messaging.chime.aws/connect');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      userArn: 'arn:aws:chime:us-east-1:1:app-instance/a/user/u',
      sessionId: 's-1',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKID/20240501/us-east-1/chime/aws4_request',
      'X-Amz-Date': '20240501T100000Z',
      'X-Amz-Expires': '10',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Security-Token': 'token',
    });
    expect(q['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('SharedFrameDecoder', () => {
  const message = (id: string) => frame('CREATE_CHANNEL_MESSAGE', { ChannelArn: CHANNEL, MessageId: id, Content: 'hi', CreatedTimestamp: '2024-05-01T10:00:00Z' });

  test('the same frame text decodes once: every session that received it gets the same event object', () => {
    const decoder = new SharedFrameDecoder();
    const first = decoder.decode(message('m1'));
    expect(decoder.decode(message('m1'))).toBe(first);
    expect(decoder.decode(message('m2'))).not.toBe(first);
    expect(first).toMatchObject({ kind: 'message', message: { MessageId: 'm1', CreatedTimestamp: new Date('2024-05-01T10:00:00Z') } });
  });

  test('remembers only the most recent frames, and never a malformed one', () => {
    const decoder = new SharedFrameDecoder(2);
    const first = decoder.decode(message('m1'));
    decoder.decode(message('m2'));
    decoder.decode(message('m3'));
    expect(decoder.decode(message('m1'))).not.toBe(first);
    expect(decoder.decode(message('m1'))).toEqual(first);
    expect(() => decoder.decode('not json')).toThrow(FrameDecodeError);
    expect(() => decoder.decode('not json')).toThrow(FrameDecodeError);
    expect(() => new SharedFrameDecoder(0)).toThrow(/capacity must be a positive integer, got 0/);
  });
});
