import { proxyToApi } from '../../../lib/server/proxy';

export const dynamic = 'force-dynamic';

async function handle(request: Request): Promise<Response> {
  return proxyToApi(request, ['chat']);
}

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
