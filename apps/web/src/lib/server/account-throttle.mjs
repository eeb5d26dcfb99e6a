// Per-account limit on password sign-ins, a Better Auth plugin. Failed attempts for one email
// are counted in the auth database (shared by every web replica, kept across restarts),
// whatever address they come from, so rotating a forged X-Forwarded-For gains nothing.
//
// Policy: after `maxFailures` wrong passwords within `windowSeconds` of the first one, every
// sign-in for that email answers 429 with Retry-After until the window ends; then it opens
// again. A correct password before the limit clears the count. No lock outlives the guessing:
// it lifts by itself one window after the last guesses, with no administrator to ask (there is
// no password reset to fall back on); while someone keeps guessing, the owner waits too.
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
   * Takes one attempt from the account's budget before the password is checked, in one
   * guarded write (so guesses sent all at once cannot all pass a stale read): true when the
   * attempt may go ahead. The count stays for a wrong password and is given back otherwise.
   * @param {any} adapter @param {string} key
   * @returns {Promise<{ allowed: true } | { allowed: false, retryAfter: number }>}
   */
  const reserve = async (adapter, key, attempt = 0) => {
    if (attempt > 5) throw new Error('sign-in throttle: the count kept changing under us');
    const at = now();
    const row = await read(adapter, key);
    if (!row) {
      try {
        await adapter.create({ model: ACCOUNT_THROTTLE_MODEL, data: { key, failures: 1, windowStart: at } });
        await pruneExpired(adapter, at);
        return { allowed: true };
      } catch (error) {
        if (!(await read(adapter, key))) throw error; // not a lost race: a real failure
        return reserve(adapter, key, attempt + 1);
      }
    }
    const byKey = [{ field: 'key', value: key }];
    if (at - row.windowStart >= windowMs) {
      // The old window is over: this attempt opens a new one (only if no one else did).
      const guard = [...byKey, { field: 'windowStart', operator: 'eq', value: row.windowStart }];
      const reset = await adapter.incrementOne({ model: ACCOUNT_THROTTLE_MODEL, where: guard, increment: {}, set: { failures: 1, windowStart: at } });
      return reset ? { allowed: true } : reserve(adapter, key, attempt + 1);
    }
    const open = [
      ...byKey,
      { field: 'windowStart', operator: 'gt', value: at - windowMs },
      { field: 'failures', operator: 'lt', value: maxFailures },
    ];
    if (await adapter.incrementOne({ model: ACCOUNT_THROTTLE_MODEL, where: open, increment: { failures: 1 } })) return { allowed: true };
    const fresh = await read(adapter, key);
    if (!fresh || at - fresh.windowStart >= windowMs) return reserve(adapter, key, attempt + 1);
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((fresh.windowStart + windowMs - at) / 1000)) };
  };

  /** Rows of windows long over (mostly guessed emails): dropped whenever a row is created. */
  const pruneExpired = (/** @type {any} */ adapter, /** @type {number} */ at) =>
    adapter.deleteMany({ model: ACCOUNT_THROTTLE_MODEL, where: [{ field: 'windowStart', operator: 'lt', value: at - windowMs }] });

  /** Gives back an attempt that was no guess (bad input, a server error). */
  const giveBack = (/** @type {any} */ adapter, /** @type {string} */ key) =>
    adapter.incrementOne({
      model: ACCOUNT_THROTTLE_MODEL,
      where: [{ field: 'key', value: key }, { field: 'failures', operator: 'gt', value: 0 }],
      increment: { failures: -1 },
    });

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
            const outcome = await reserve(ctx.context.adapter, accountKey(email));
            if (outcome.allowed) return;
            const { retryAfter } = outcome;
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
              // 401: wrong email or password, a guess: the attempt stays counted. Bad input
              // (400) and server errors were no guess: it is given back.
              if (returned.statusCode !== 401) await giveBack(ctx.context.adapter, key);
              return;
            }
            await ctx.context.adapter.deleteMany({ model: ACCOUNT_THROTTLE_MODEL, where: [{ field: 'key', value: key }] });
          }),
        },
      ],
    },
  };
}
