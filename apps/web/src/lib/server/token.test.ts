/** @jest-environment node */
import { createHmac } from 'node:crypto';
import { mintApiToken } from './token';

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
