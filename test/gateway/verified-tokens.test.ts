import { VerifiedTokens } from '../../src/gateway/auth/verified-tokens';
import { Viewer } from '../../src/gateway/viewer';

const viewer = (user: string): Viewer => ({ userArn: `arn:aws:chime:us-east-1:123456789012:app-instance/a/user/${user}`, appInstanceArn: 'arn:aws:chime:us-east-1:123456789012:app-instance/a', subject: user });

describe('the verified-token cache', () => {
  let now = 1_000_000_000_000;
  const clock = () => now;

  test('a remembered token gives its viewer back, as a copy', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.remember('t1', viewer('alice'), now / 1000 + 3600);
    const first = cache.get('t1')!;
    expect(first).toEqual(viewer('alice'));
    first.userArn = 'tampered';
    expect(cache.get('t1')).toEqual(viewer('alice'));
    expect(cache.get('t2')).toBeUndefined();
  });

  test('a token is not used past its exp claim', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.remember('t1', viewer('alice'), now / 1000 + 5);
    now += 4_999;
    expect(cache.get('t1')).toBeDefined();
    now += 1;
    expect(cache.get('t1')).toBeUndefined();
  });

  test('a token is checked again after the TTL whatever its exp', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.remember('t1', viewer('alice'), now / 1000 + 86_400);
    now += 60_000;
    expect(cache.get('t1')).toBeUndefined();
  });

  test('an already expired token is never remembered', () => {
    const cache = new VerifiedTokens(10, 60_000, clock);
    cache.remember('t1', viewer('alice'), now / 1000 - 1);
    expect(cache.get('t1')).toBeUndefined();
  });

  test('the least recently used token is forgotten first once full', () => {
    const cache = new VerifiedTokens(2, 60_000, clock);
    cache.remember('a', viewer('a'), now / 1000 + 60);
    cache.remember('b', viewer('b'), now / 1000 + 60);
    cache.get('a');
    cache.remember('c', viewer('c'), now / 1000 + 60);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
