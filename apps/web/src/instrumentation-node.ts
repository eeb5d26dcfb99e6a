// Refuse to serve with a configuration that cannot work, naming the variable; hook every
// request (address, request id, log line); serve the metrics on their own port; in
// development, create Better Auth's tables so a fresh clone just works.
import { migrateAuth } from './lib/server/auth-core.mjs';
import { ConfigError, DEV_AUTH_SECRET, DEV_JWT_SECRET, getConfig } from './lib/server/config.mjs';
import { serveMetrics } from './lib/server/metrics';
import { installRequestTrail } from './lib/server/request-trail';

export async function checkAtStart(): Promise<void> {
  try {
    const config = getConfig();
    installRequestTrail(Boolean(config.trustedProxyHeader));
    serveMetrics(config.metricsPort, process.env.HOSTNAME || '0.0.0.0');
    if (config.jwtSecret === DEV_JWT_SECRET || config.authSecret === DEV_AUTH_SECRET) {
      console.warn('web: using development placeholder secrets (JWT_SECRET / BETTER_AUTH_SECRET unset); never deploy like this');
    }
    if (config.env === 'development' || process.env.AUTH_AUTO_MIGRATE === 'true') {
      await migrateAuth(config);
    }
  } catch (error) {
    console.error(`web: ${error instanceof ConfigError ? error.message : `start-up failed: ${String(error)}`}`);
    process.exit(2);
  }
}
