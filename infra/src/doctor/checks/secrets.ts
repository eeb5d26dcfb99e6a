// Secrets and keys the pods reference but the namespace does not have. Checked from the pod
// specs, so it also catches a reference before the kubelet gets to it; the kubelet's
// CreateContainerConfigError message is quoted as evidence when there is one.
import { workloadOf, type CheckContext, type Finding } from '../findings';
import type { Pod } from '@todo/kube';

interface Reference {
  secret: string;
  /** undefined: the whole Secret (envFrom, a volume). */
  key?: string;
  /** The variable or volume that needs it. */
  usedAs: string;
}

export function secretReferences(pod: Pod): Reference[] {
  const refs: Reference[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const env of c.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref && !ref.optional) refs.push({ secret: ref.name, key: ref.key, usedAs: `${env.name} of ${c.name}` });
    }
    for (const from of c.envFrom ?? []) if (from.secretRef && !from.secretRef.optional) refs.push({ secret: from.secretRef.name, usedAs: `envFrom of ${c.name}` });
  }
  for (const v of pod.spec.volumes ?? []) if (v.secret && !v.secret.optional) refs.push({ secret: v.secret.secretName, usedAs: `volume ${v.name}` });
  return refs;
}

export function checkSecrets(ctx: CheckContext): Finding[] {
  const { snapshot } = ctx;
  const have = new Map(snapshot.secrets.map((s) => [s.name, new Set(s.keys)]));
  // secret → key ('' for the whole Secret) → who needs it, and the kubelet's words
  const missing = new Map<string, Map<string, { users: Set<string>; pods: Set<string>; kubelet: Set<string>; keys: Set<string> }>>();
  for (const pod of snapshot.objects.pods) {
    if (pod.status.phase === 'Succeeded') continue;
    const kubelet = (pod.status.containerStatuses ?? [])
      .concat(pod.status.initContainerStatuses ?? [])
      .map((s) => s.state?.waiting)
      .filter((w) => w?.reason === 'CreateContainerConfigError' && w.message)
      .map((w) => `kubelet: ${w!.message}`);
    for (const ref of secretReferences(pod)) {
      const keys = have.get(ref.secret);
      const absent = !keys ? '' : ref.key && !keys.has(ref.key) ? ref.key : undefined;
      if (absent === undefined) continue;
      const bySecret = missing.get(ref.secret) ?? new Map();
      missing.set(ref.secret, bySecret);
      const entry = bySecret.get(absent) ?? { users: new Set<string>(), pods: new Set<string>(), kubelet: new Set<string>(), keys: new Set<string>() };
      if (ref.key) entry.keys.add(ref.key);
      bySecret.set(absent, entry);
      entry.users.add(`${workloadOf(pod)} (${ref.usedAs})`);
      entry.pods.add(pod.metadata.name);
      for (const k of kubelet) entry.kubelet.add(k);
    }
  }

  const findings: Finding[] = [];
  for (const [secret, byKey] of missing) {
    const ours = secret === ctx.fullname;
    const whole = byKey.get('');
    if (whole) {
      const neededKeys = [...whole.keys].sort();
      findings.push({
        kind: 'secret-missing',
        severity: 'critical',
        object: `Secret/${secret}`,
        title: `The Secret ${secret} does not exist, so the pods that read it cannot start.`,
        details: [...[...whole.users].map((u) => `needed by ${u}`), ...whole.kubelet],
        fix: ours
          ? [
              `It is the chart's own Secret (kept on uninstall, so it was deleted by hand). Recreate it with an upgrade: helm upgrade ${snapshot.release} charts/todo-chatbot -n ${snapshot.namespace} --reuse-values`,
              'With the in-cluster PostgreSQL, set postgresql.auth.password to the database\'s existing password, or the apps are locked out of the old volume.',
            ]
          : [`Create it (an existingSecret of the values): kubectl create secret generic ${secret} ${ctx.kubectlTarget} ${(neededKeys.length ? neededKeys : ['<key>']).map((k) => `--from-literal=${k}=<value>`).join(' ')}`],
      });
    }
    for (const [key, entry] of byKey) {
      if (!key || whole) continue;
      findings.push({
        kind: 'secret-key-missing',
        severity: 'critical',
        object: `Secret/${secret}`,
        title: `The Secret ${secret} has no key "${key}", which ${[...entry.users].map((u) => u.replace(/^.*\((.*)\)$/, '$1')).join(', ')} needs.`,
        details: [...[...entry.users].map((u) => `needed by ${u}`), `keys it has: ${[...(have.get(secret) ?? [])].join(', ') || '(none)'}`, ...entry.kubelet],
        fix: [
          `Add the key (other keys stay): kubectl patch secret ${secret} ${ctx.kubectlTarget} --type merge -p '{"stringData":{"${key}":"<value>"}}'`,
          ...(ours ? [] : ['Or, if the key has another name in that Secret, tell the chart: auth.existingSecretKeys.*, externalDatabase.existingSecretUrlKey, postgresql.auth.existingSecretPasswordKey or llm.existingSecretKey.']),
          `Then restart the pods: kubectl delete pod ${[...entry.pods].join(' ')} ${ctx.kubectlTarget}`,
        ],
      });
    }
  }
  return findings;
}
