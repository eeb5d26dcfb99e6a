// Refuse to serve with a configuration that cannot work, naming the variable; in
// development, create Better Auth's tables so a fresh clone just works.
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { migrateAuth } from './lib/server/auth-core.mjs';
import { ConfigError, DEV_AUTH_SECRET, DEV_JWT_SECRET, getConfig, PEER_ADDRESS_HEADER } from './lib/server/config.mjs';

/**
 * Route handlers never see the socket, and Next fills X-Forwarded-For only when the client
 * did not: so every request gets the connection's own address in PEER_ADDRESS_HEADER (a
 * value the client sent is replaced) before Next handles it.
 */
export function recordPeerAddresses(): void {
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? '';
  });
}

export async function checkAtStart(): Promise<void> {
  recordPeerAddresses();
  try {
    const config = getConfig();
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
