// Liveness: the process answers. No database, no API: those are readiness concerns.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' });
}
