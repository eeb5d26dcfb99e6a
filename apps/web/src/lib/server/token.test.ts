/** @jest-environment node */
import { createHmac } from 'node:crypto';
import { ApiTokenCache, mintApiToken } from './token';

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('mintApiToken', () => {
  const secret = 'x'.repeat(40);

  it('makes an HS256 JWT for the user that expires within the TTL', () => {
    const token = mintApiToken('user-1', secret, 300, 1_000_000);
    const [header, payload, signature] = token.split('.');
    expect(decode(header!)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(payload!)).toEqual({ sub: 'user-1', iat: 1_000_000, exp: 1_000_300 });
    const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
  });

  it('signs differently with another secret', () => {
    expect(mintApiToken('u', secret, 60, 1)).not.toBe(mintApiToken('u', `${secret}!`, 60, 1));
  });
});

describe('ApiTokenCache', () => {
  const secret = 'y'.repeat(40);

  it('reuses a token for the first half of its lifetime, then mints a new one', () => {
    const cache = new ApiTokenCache();
    const first = cache.tokenFor('u', secret, 300, 1_000);
    expect(cache.tokenFor('u', secret, 300, 1_149)).toBe(first);
    const renewed = cache.tokenFor('u', secret, 300, 1_150);
    expect(renewed).not.toBe(first);
    expect(decode(renewed.split('.')[1]!)).toEqual({ sub: 'u', iat: 1_150, exp: 1_450 });
  });

  it('keeps one token per user, secret and lifetime', () => {
    const cache = new ApiTokenCache();
    const a = cache.tokenFor('a', secret, 300, 1);
    expect(cache.tokenFor('b', secret, 300, 1)).not.toBe(a);
    expect(cache.tokenFor('a', `${secret}!`, 300, 1)).not.toBe(a);
    expect(decode(cache.tokenFor('a', secret, 60, 1).split('.')[1]!).exp).toBe(61);
  });

  it('stays bounded', () => {
    const cache = new ApiTokenCache(2);
    const a = cache.tokenFor('a', secret, 300, 1);
    cache.tokenFor('b', secret, 300, 1);
    cache.tokenFor('c', secret, 300, 2); // full: starts over
    expect(cache.tokenFor('a', secret, 300, 3)).not.toBe(a);
  });
});
