import { CreateAppInstanceCommand, CreateAppInstanceUserCommand, DescribeAppInstanceUserCommand, ConflictException, NotFoundException, BadRequestException } from '@aws-sdk/client-chime-sdk-identity';
import { startTestChime, TestChime } from '../support/local-chime';

let t: TestChime;
beforeAll(async () => {
  t = await startTestChime();
});
afterAll(() => t.close());

describe('restJson1 wire protocol', () => {
  test('CreateAppInstanceUser then DescribeAppInstanceUser round-trips members and timestamps', async () => {
    const before = Date.now();
    const { AppInstanceArn } = await t.identity.send(new CreateAppInstanceCommand({ Name: 'wire' }));
    expect(AppInstanceArn).toMatch(/^arn:aws:chime:us-east-1:123456789012:app-instance\/[0-9a-f-]{36}$/);
    const { AppInstanceUserArn } = await t.identity.send(
      new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: 'u1', Name: 'User One', Metadata: 'm' }),
    );
    expect(AppInstanceUserArn).toBe(`${AppInstanceArn}/user/u1`);
    const { AppInstanceUser } = await t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn }));
    expect(AppInstanceUser).toMatchObject({ AppInstanceUserArn, Name: 'User One', Metadata: 'm' });
    expect(AppInstanceUser!.CreatedTimestamp).toBeInstanceOf(Date);
    expect(AppInstanceUser!.CreatedTimestamp!.getTime()).toBeGreaterThanOrEqual(before);
  });

  test('errors arrive as the SDK exception class with Code and Message', async () => {
    const { AppInstanceArn } = await t.identity.send(new CreateAppInstanceCommand({ Name: 'errors' }));
    await t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: 'dup', Name: 'd' }));
    const dup = t.identity.send(new CreateAppInstanceUserCommand({ AppInstanceArn, AppInstanceUserId: 'dup', Name: 'd' }));
    await expect(dup).rejects.toBeInstanceOf(ConflictException);
    await expect(dup).rejects.toMatchObject({ Code: 'Conflict', $metadata: { httpStatusCode: 409 } });
    await expect(t.identity.send(new DescribeAppInstanceUserCommand({ AppInstanceUserArn: `${AppInstanceArn}/user/nobody` }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(t.identity.send(new CreateAppInstanceCommand({ Name: '' }))).rejects.toBeInstanceOf(BadRequestException);
  });

  test('a request without SigV4 Authorization is refused with 403', async () => {
    const res = await fetch(`${t.chime.endpoint}/app-instances`, { method: 'GET' });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});
