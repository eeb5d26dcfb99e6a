import { proxyToApi } from '../../../../lib/server/proxy';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, context: Context): Promise<Response> {
  const { path = [] } = await context.params;
  return proxyToApi(request, ['conversations', ...path]);
}

// Every method reaches the proxy, which answers 405 (with Allow) for those a path lacks.
export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
