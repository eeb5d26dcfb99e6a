// Refuse to serve with a configuration that cannot work, naming the variable; in
// development, create Better Auth's tables so a fresh clone just works.
import { migrateAuth } from './lib/server/auth-core.mjs';
import { ConfigError, getConfig } from './lib/server/config.mjs';

export async function checkAtStart(): Promise<void> {
  try {
    const config = getConfig();
    if (config.env === 'development' || process.env.AUTH_AUTO_MIGRATE === 'true') {
      await migrateAuth(config);
    }
  } catch (error) {
    console.error(`web: ${error instanceof ConfigError ? error.message : `start-up failed: ${String(error)}`}`);
    process.exit(2);
  }
}
