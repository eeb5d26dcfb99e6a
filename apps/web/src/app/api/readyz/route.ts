// Readiness: this server can serve sign-ins, i.e. its database answers and is migrated.
// Not the API's health: the proxy already answers 502/504 when the API is down, and a web
// that turns unready with the API would take the whole site off the Service with it.
import { checkAuthDatabase } from '../../../lib/server/auth';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    await checkAuthDatabase();
    return Response.json({ status: 'ready' });
  } catch (error) {
    console.error('readiness: the database did not answer:', error instanceof Error ? error.message : error);
    return Response.json({ status: 'unavailable', detail: 'database' }, { status: 503, headers: { 'Retry-After': '5' } });
  }
}
