// The places a DatabaseShell (pg.ts) runs its scripts, and how each names the connection.
import type { Docker, Kubectl } from '@todo/kube';
import type { DatabaseShell, ShellIo } from './pg';

/**
 * In a PostgreSQL container (the chart's pod, the e2e stack's container): the official
 * image's POSTGRES_USER/POSTGRES_DB/POSTGRES_PASSWORD, over the local socket.
 */
export const POSTGRES_ENV_PRELUDE = 'export PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD"; DB="$POSTGRES_DB"; ';

/**
 * In a pod given the apps' DATABASE_URL (external database): libpq's spelling of it, the
 * same rewriting as the chart's backup script (files/backup.sh).
 */
export const DATABASE_URL_PRELUDE =
  'DB=$(printf "%s" "$DATABASE_URL" | sed -E -e "s#^postgres(ql)?(\\+[A-Za-z0-9_]+)?://#postgresql://#" -e "s#([?&])ssl=(true|1)(&|\\$)#\\1sslmode=require\\3#" -e "s#([?&])ssl=(false|0)(&|\\$)#\\1sslmode=disable\\3#" -e "s#([?&])ssl=#\\1sslmode=#"); ';

/** `kubectl exec [-i] POD -c CONTAINER -- sh -c PRELUDE+SCRIPT` in the namespace. */
export function kubectlExecShell(kubectl: Kubectl, target: { namespace: string; pod: string; container: string; prelude: string }): DatabaseShell {
  return {
    where: `pod ${target.namespace}/${target.pod}`,
    run: async (script: string, io: ShellIo = {}) => {
      const args = ['exec', ...(io.input === undefined ? [] : ['-i']), '--namespace', target.namespace, target.pod, '--container', target.container, '--', 'sh', '-c', target.prelude + script];
      try {
        const r = await kubectl.run(args, { input: io.input, stdoutTo: io.stdoutTo, onProgress: io.onProgress });
        return { ok: true, exitCode: 0, ...r };
      } catch (err) {
        const e = err as { exitCode?: number | null; stdout?: string; stderr?: string };
        if (e.exitCode === undefined || e.exitCode === null) throw err;
        return { ok: false, exitCode: e.exitCode, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      }
    },
  };
}

/** `docker exec [-i] CONTAINER sh -c PRELUDE+SCRIPT`. */
export function dockerExecShell(docker: Docker, container: string, prelude = POSTGRES_ENV_PRELUDE): DatabaseShell {
  return {
    where: `container ${container}`,
    run: (script: string, io: ShellIo = {}) => docker.exec(container, ['sh', '-c', prelude + script], { input: io.input, stdoutTo: io.stdoutTo, onProgress: io.onProgress }),
  };
}
