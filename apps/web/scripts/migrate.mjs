#!/usr/bin/env node
// `node apps/web/scripts/migrate.mjs`: creates Better Auth's tables in DATABASE_URL (or the
// embedded SQLite file). The Kubernetes migration Job runs this; development runs it at start.
import { ConfigError, loadConfig } from '../src/lib/server/config.mjs';
import { migrateAuth } from '../src/lib/server/auth-core.mjs';

try {
  const config = loadConfig();
  const { created, altered } = await migrateAuth(config);
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.sqlitePath;
  console.log(`web: auth schema is current in ${where}` + (created.length || altered.length ? ` (created ${created.join(', ') || 'none'}; altered ${altered.join(', ') || 'none'})` : ''));
} catch (error) {
  console.error(`web: ${error instanceof ConfigError ? error.message : `migration failed: ${error}`}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
