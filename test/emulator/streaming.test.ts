import {
  BadRequestException,
  DeleteMessagingStreamingConfigurationsCommand,
  GetMessagingStreamingConfigurationsCommand,
  NotFoundException,
  PutMessagingStreamingConfigurationsCommand,
  type StreamingConfiguration,
} from '@aws-sdk/client-chime-sdk-messaging';
import { CreateAppInstanceCommand, DeleteAppInstanceCommand } from '@aws-sdk/client-chime-sdk-identity';
import { startTestChime, TestChime } from '../support/local-chime';

let t: TestChime;
beforeAll(async () => {
  t = await startTestChime();
});
afterAll(() => t.close());

async function appInstance(): Promise<string> {
  return (await t.identity.send(new CreateAppInstanceCommand({ Name: 'streaming' }))).AppInstanceArn!;
}

/** A stream ARN in the local service's account and region, named as the guide requires. */
const stream = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/chime-messaging-${name}`;

const put = (AppInstanceArn: string, StreamingConfigurations: StreamingConfiguration[]) =>
  t.messaging.send(new PutMessagingStreamingConfigurationsCommand({ AppInstanceArn, StreamingConfigurations }));
const get = (AppInstanceArn: string) => t.messaging.send(new GetMessagingStreamingConfigurationsCommand({ AppInstanceArn }));

describe('PutMessagingStreamingConfigurations', () => {
  test('PutMessagingStreamingConfigurations stores both data types and returns what was requested', async () => {
    const arn = await appInstance();
    const configs: StreamingConfiguration[] = [
      { DataType: 'ChannelMessage', ResourceArn: stream('messages') },
      { DataType: 'Channel', ResourceArn: stream('channels') },
    ];
    const out = await put(arn, configs);
    expect(out.StreamingConfigurations).toEqual(configs);
    expect((await get(arn)).StreamingConfigurations).toEqual([
      { DataType: 'Channel', ResourceArn: stream('channels') },
      { DataType: 'ChannelMessage', ResourceArn: stream('messages') },
    ]);
  });

  test('PutMessagingStreamingConfigurations of one data type keeps the other and replaces its own', async () => {
    const arn = await appInstance();
    await put(arn, [{ DataType: 'ChannelMessage', ResourceArn: stream('a') }]);
    await put(arn, [{ DataType: 'Channel', ResourceArn: stream('b') }]);
    await put(arn, [{ DataType: 'ChannelMessage', ResourceArn: stream('c') }]);
    expect((await get(arn)).StreamingConfigurations).toEqual([
      { DataType: 'Channel', ResourceArn: stream('b') },
      { DataType: 'ChannelMessage', ResourceArn: stream('c') },
    ]);
  });

  test('PutMessagingStreamingConfigurations refuses an empty list, three entries and a repeated DataType', async () => {
    const arn = await appInstance();
    await expect(put(arn, [])).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('1..2') });
    const three = [
      { DataType: 'Channel', ResourceArn: stream('a') },
      { DataType: 'ChannelMessage', ResourceArn: stream('b') },
      { DataType: 'Channel', ResourceArn: stream('c') },
    ] as StreamingConfiguration[];
    await expect(put(arn, three)).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      put(arn, [
        { DataType: 'Channel', ResourceArn: stream('a') },
        { DataType: 'Channel', ResourceArn: stream('b') },
      ]),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining('appears twice') });
    await expect(get(arn)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('PutMessagingStreamingConfigurations refuses an unknown DataType', async () => {
    const arn = await appInstance();
    await expect(put(arn, [{ DataType: 'Membership' as never, ResourceArn: stream('a') }])).rejects.toMatchObject({
      name: 'BadRequestException',
      message: expect.stringContaining('DataType'),
    });
  });

  test('PutMessagingStreamingConfigurations refuses a ResourceArn that is not a chime-messaging- Kinesis stream of the account and region', async () => {
    const arn = await appInstance();
    const refused = async (resourceArn: string, message: string) =>
      expect(put(arn, [{ DataType: 'Channel', ResourceArn: resourceArn }])).rejects.toMatchObject({
        name: 'BadRequestException',
        message: expect.stringContaining(message),
      });
    await refused('arn:aws:sqs:us-east-1:123456789012:chime-messaging-q', 'Kinesis data stream');
    await refused('arn:aws:kinesis:us-east-1:123456789012:stream/other-name', 'chime-messaging-');
    await refused('arn:aws:kinesis:eu-west-1:123456789012:stream/chime-messaging-x', 'region');
    await refused('arn:aws:kinesis:us-east-1:999999999999:stream/chime-messaging-x', 'account');
    await refused('not-an-arn', 'not a valid ARN');
  });

  test('PutMessagingStreamingConfigurations for an unknown AppInstance is NotFound', async () => {
    const arn = `${await appInstance()}-gone`;
    await expect(put(arn, [{ DataType: 'Channel', ResourceArn: stream('a') }])).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('GetMessagingStreamingConfigurations', () => {
  test('GetMessagingStreamingConfigurations is NotFound while none is set', async () => {
    const arn = await appInstance();
    await expect(get(arn)).rejects.toMatchObject({ name: 'NotFoundException', message: expect.stringContaining('no messaging streaming configurations') });
  });

  test('GetMessagingStreamingConfigurations of an unknown AppInstance is NotFound', async () => {
    await expect(get('arn:aws:chime:us-east-1:123456789012:app-instance/none')).rejects.toMatchObject({
      name: 'NotFoundException',
      message: expect.stringContaining('AppInstance'),
    });
  });
});

describe('DeleteMessagingStreamingConfigurations', () => {
  test('DeleteMessagingStreamingConfigurations removes every configuration and answers 204', async () => {
    const arn = await appInstance();
    await put(arn, [
      { DataType: 'Channel', ResourceArn: stream('a') },
      { DataType: 'ChannelMessage', ResourceArn: stream('b') },
    ]);
    const out = await t.messaging.send(new DeleteMessagingStreamingConfigurationsCommand({ AppInstanceArn: arn }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    await expect(get(arn)).rejects.toBeInstanceOf(NotFoundException);
  });

  test('DeleteMessagingStreamingConfigurations without configurations succeeds and changes nothing', async () => {
    const arn = await appInstance();
    const other = await appInstance();
    await put(other, [{ DataType: 'Channel', ResourceArn: stream('kept') }]);
    await t.messaging.send(new DeleteMessagingStreamingConfigurationsCommand({ AppInstanceArn: arn }));
    expect((await get(other)).StreamingConfigurations).toEqual([{ DataType: 'Channel', ResourceArn: stream('kept') }]);
  });

  test('DeleteAppInstance takes its streaming configurations with it', async () => {
    const arn = await appInstance();
    await put(arn, [{ DataType: 'Channel', ResourceArn: stream('a') }]);
    await t.identity.send(new DeleteAppInstanceCommand({ AppInstanceArn: arn }));
    const left = t.chime.backend.db.prepare('SELECT count(*) AS n FROM messaging_streaming_configurations WHERE app_instance_arn = ?').get(arn) as { n: number };
    expect(left.n).toBe(0);
  });
});
