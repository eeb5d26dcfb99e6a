// The Helm release itself: missing, failed, or stuck in a pending state.
import { releaseSelector } from '@todo/kube';
import type { CheckContext, Finding } from '../findings';

export function checkRelease(ctx: CheckContext): Finding[] {
  const { helm, release, namespace, context, objects } = ctx.snapshot;
  const helmTarget = `-n ${namespace}${context ? ` --kube-context ${context}` : ''}`;
  const nothing = Object.values(objects).every((list) => list.length === 0);
  if (helm.notFound || (!helm.status && nothing)) {
    return [
      {
        kind: 'release-not-found',
        severity: 'critical',
        object: `Release/${release}`,
        title: `There is no Helm release "${release}" in the namespace "${namespace}"${nothing ? ', and no object labelled with it' : ''}.`,
        details: [helm.error ? `helm: ${helm.error}` : `no objects with ${releaseSelector(release)}`],
        fix: [
          `Look for it elsewhere (another namespace or context?): helm list -A${context ? ` --kube-context ${context}` : ''}`,
          'Or deploy it: npm run nx -- run infra:deploy',
        ],
      },
    ];
  }
  const status = helm.status?.info.status;
  if (!status) return [];
  // The last revision that worked, before the current one.
  const lastGood = helm.history?.filter((h) => h.revision < helm.status!.version && (h.status === 'deployed' || h.status === 'superseded')).at(-1);
  const history = (helm.history ?? []).slice(-3).map((h) => `revision ${h.revision} ${h.status}: ${h.description}`);
  if (status === 'failed') {
    return [
      {
        kind: 'release-failed',
        severity: 'critical',
        object: `Release/${release}`,
        title: `The last Helm operation on "${release}" failed (revision ${helm.status!.version}).`,
        details: [`helm status: ${helm.status!.info.description ?? 'failed'}`, ...history],
        fix: [
          'Fix the cause (the other findings), then deploy again: npm run nx -- run infra:deploy',
          ...(lastGood ? [`Or go back to the last good revision: helm rollback ${release} ${lastGood.revision} ${helmTarget}`] : []),
        ],
      },
    ];
  }
  if (status.startsWith('pending-')) {
    return [
      {
        kind: 'release-pending',
        severity: 'warning',
        object: `Release/${release}`,
        title: `Helm says "${status}" for "${release}": an operation is running, or was interrupted and blocks the next one.`,
        details: [`helm status: ${helm.status!.info.description ?? status}`, ...history],
        fix: [
          'If no deploy is running, clear it by rolling back' + (lastGood ? `: helm rollback ${release} ${lastGood.revision} ${helmTarget}` : ` (helm history ${release} ${helmTarget} shows the revisions)`),
        ],
      },
    ];
  }
  return [];
}
