import { proxyToApi } from '../../../../lib/server/proxy';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, context: Context): Promise<Response> {
  const { path = [] } = await context.params;
  return proxyToApi(request, ['tasks', ...path]);
}

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
