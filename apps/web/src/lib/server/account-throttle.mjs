// Per-account limit on password sign-ins, a Better Auth plugin. Failed attempts for one email
// are counted in the auth database (shared by every web replica, kept across restarts),
// whatever address they come from, so rotating a forged X-Forwarded-For gains nothing.
//
// Policy: after `maxFailures` wrong passwords within `windowSeconds` of the first one, every
// sign-in for that email answers 429 with Retry-After until the window ends; then it opens
// again. A correct password before the limit clears the count. The lock is bounded on
// purpose: an attacker who keeps guessing can delay the owner by one window at a time, but
// can never lock the account for good (there is no password reset to fall back on).
import { createHash } from 'node:crypto';
import { APIError, createAuthMiddleware, isAPIError } from 'better-auth/api';

export const ACCOUNT_LIMIT = { maxFailures: 10, windowSeconds: 15 * 60 };
export const ACCOUNT_THROTTLE_MODEL = 'signInThrottle';
const SIGN_IN_PATH = '/sign-in/email';

/**
 * The row key for an email: its SHA-256, so the table names no one's address (most rows
 * belong to guessed emails of people who never signed up).
 * @param {string} email
 */
export function accountKey(email) {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * @param {{ maxFailures: number, windowSeconds: number, now?: () => number }} [limit]
 */
export function accountThrottle(limit = ACCOUNT_LIMIT) {
  const { maxFailures, windowSeconds } = limit;
  const now = limit.now ?? Date.now;
  const windowMs = windowSeconds * 1000;
  /** @param {any} ctx */
  const isPasswordSignIn = (ctx) => ctx.path === SIGN_IN_PATH;
  /** @param {any} ctx */
  const emailOf = (ctx) => (typeof ctx.body?.email === 'string' ? ctx.body.email : undefined);

  /** @param {any} adapter @param {string} key */
  const read = async (adapter, key) => {
    const row = await adapter.findOne({ model: ACCOUNT_THROTTLE_MODEL, where: [{ field: 'key', value: key }] });
    return row ? { failures: Number(row.failures), windowStart: Number(row.windowStart) } : null;
  };

  /**
   * Counts one failure with guarded writes (no lost update when replicas race).
   * @param {any} adapter @param {string} key
   */
  const recordFailure = async (adapter, key, attempt = 0) => {
    if (attempt > 3) throw new Error('sign-in throttle: the failure count kept changing under us');
    const at = now();
    const row = await read(adapter, key);
    if (!row) {
      try {
        await adapter.create({ model: ACCOUNT_THROTTLE_MODEL, data: { key, failures: 1, windowStart: at } });
        return;
      } catch (error) {
        if (!(await read(adapter, key))) throw error; // not a lost race: a real failure
        return recordFailure(adapter, key, attempt + 1);
      }
    }
    const where = [{ field: 'key', value: key }];
    if (at - row.windowStart >= windowMs) {
      // The old window is over: this failure opens a new one (only if no one else did).
      const guard = [...where, { field: 'windowStart', operator: 'lte', value: row.windowStart }];
      const reset = await adapter.incrementOne({ model: ACCOUNT_THROTTLE_MODEL, where: guard, increment: {}, set: { failures: 1, windowStart: at } });
      if (!reset) await recordFailure(adapter, key, attempt + 1);
      return;
    }
    await adapter.incrementOne({ model: ACCOUNT_THROTTLE_MODEL, where, increment: { failures: 1 } });
  };

  return {
    id: 'account-throttle',
    schema: {
      [ACCOUNT_THROTTLE_MODEL]: {
        fields: {
          key: { type: /** @type {const} */ ('string'), unique: true, required: true },
          failures: { type: /** @type {const} */ ('number'), required: true },
          windowStart: { type: /** @type {const} */ ('number'), bigint: true, required: true },
        },
      },
    },
    hooks: {
      before: [
        {
          matcher: isPasswordSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = emailOf(ctx);
            if (!email) return;
            const row = await read(ctx.context.adapter, accountKey(email));
            const elapsed = row ? now() - row.windowStart : Infinity;
            if (!row || elapsed >= windowMs || row.failures < maxFailures) return;
            const retryAfter = Math.max(1, Math.ceil((windowMs - elapsed) / 1000));
            throw new APIError(
              'TOO_MANY_REQUESTS',
              { message: `Too many failed sign-ins for this account. Try again in ${retryAfter} seconds.`, code: 'ACCOUNT_THROTTLED' },
              { 'Retry-After': String(retryAfter) },
            );
          }),
        },
      ],
      after: [
        {
          matcher: isPasswordSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = emailOf(ctx);
            if (!email) return;
            const returned = ctx.context.returned;
            const key = accountKey(email);
            if (isAPIError(returned)) {
              // 401: wrong email or password. Bad input (400) and the like are no guess.
              if (returned.statusCode === 401) await recordFailure(ctx.context.adapter, key);
              return;
            }
            await ctx.context.adapter.deleteMany({ model: ACCOUNT_THROTTLE_MODEL, where: [{ field: 'key', value: key }] });
          }),
        },
      ],
    },
  };
}
