/** @jest-environment node */
// Readiness (/api/readyz) asks the auth database a question only a migrated one answers.
import Database from 'better-sqlite3';
import { pingAuthDatabase } from './auth-core.mjs';

describe('pingAuthDatabase', () => {
  it('passes once Better Auth\'s user table exists', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE "user" (id TEXT PRIMARY KEY)');
    await expect(pingAuthDatabase(db)).resolves.toBeUndefined();
    db.close();
  });

  it('fails on a database that was never migrated, naming the table', async () => {
    const db = new Database(':memory:');
    // Matched by message: better-sqlite3's native part keeps the SqliteError class of the first
    // test file that loaded it in this worker, so instanceof Error can fail across files.
    await expect(pingAuthDatabase(db)).rejects.toMatchObject({ message: expect.stringMatching(/user/) });
    db.close();
  });

  it('fails when PostgreSQL does not answer in time', async () => {
    const hanging = { query: () => new Promise(() => undefined) };
    await expect(pingAuthDatabase(hanging, 50)).rejects.toThrow('no answer within 50 ms');
  });

  it('passes on a pg-like pool that answers', async () => {
    const pool = { query: jest.fn().mockResolvedValue({ rows: [] }) };
    await pingAuthDatabase(pool);
    expect(pool.query).toHaveBeenCalledWith('SELECT 1 FROM "user" LIMIT 1');
  });
});
