// Pods that cannot start or serve: image missing, Pending, crash-looping, OOMKilled,
// failing probes, and container configuration the kubelet rejects.
import { explainLog } from '../known-messages';
import type { Container, ContainerStatus, Pod } from '@todo/kube';
import {
  componentOf,
  describeEvent,
  eventsFor,
  helmSet,
  valuesPrefix,
  workloadOf,
  type CheckContext,
  type Finding,
} from '../findings';

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);

/** Every container of a pod with its spec and status, init containers first. */
export function containersOf(pod: Pod): { spec: Container | undefined; status: ContainerStatus; init: boolean }[] {
  const find = (list: Container[] | undefined, name: string) => list?.find((c) => c.name === name);
  return [
    ...(pod.status.initContainerStatuses ?? []).map((status) => ({ spec: find(pod.spec.initContainers, status.name), status, init: true })),
    ...(pod.status.containerStatuses ?? []).map((status) => ({ spec: find(pod.spec.containers, status.name), status, init: false })),
  ];
}

export function checkPods(ctx: CheckContext): Finding[] {
  return ctx.snapshot.objects.pods.flatMap((pod) => [
    ...imagePull(ctx, pod),
    ...pending(ctx, pod),
    ...crashes(ctx, pod),
    ...probes(ctx, pod),
    ...configErrors(ctx, pod),
  ]);
}

function imagePull(ctx: CheckContext, pod: Pod): Finding[] {
  return containersOf(pod)
    .filter(({ status }) => IMAGE_PULL.has(status.state?.waiting?.reason ?? ''))
    .map(({ spec, status }) => {
      const image = spec?.image ?? status.image;
      const reason = status.state?.waiting?.reason ?? '';
      const events = eventsFor(ctx.snapshot, 'Pod', pod.metadata.name).filter((e) => e.reason === 'Failed' || e.reason === 'BackOff' || e.reason === 'ErrImageNeverPull');
      const evidence = [`pod ${pod.metadata.name}, container ${status.name}: ${reason}`, ...events.slice(-2).map(describeEvent)];
      const text = evidence.join('\n') + (status.state?.waiting?.message ?? '');
      const fix: string[] = [];
      const tag = image.includes('@') ? undefined : (image.split('/').at(-1)?.split(':')[1] ?? 'latest');
      if (/unauthorized|authentication required|no basic auth credentials/i.test(text)) {
        fix.push(`The registry refused the credentials: create a pull secret (kubectl create secret docker-registry regcred ${ctx.kubectlTarget} --docker-server=… --docker-username=… --docker-password=…) and set imagePullSecrets={regcred}.`);
      } else if (ctx.minikube) {
        const profile = ctx.snapshot.context && ctx.snapshot.context !== 'minikube' ? ` -p ${ctx.snapshot.context}` : '';
        fix.push(
          `The image is not inside Minikube. Load it: minikube${profile} image load ${image}`,
          `Check what Minikube has: minikube${profile} image ls | grep ${image.split(':')[0]?.split('/').at(-1) ?? image}`,
          'Or rebuild and deploy, which loads the images with unique tags: npm run nx -- run infra:deploy',
        );
      } else {
        fix.push(
          `No node can pull ${image}: push it to a registry the cluster can reach and set ${valuesPrefix(componentOf(pod))}.image.registry, or load it onto the nodes (kind load docker-image, k3s ctr images import).`,
          'Or deploy with the image-loading method for this cluster: npm run nx -- run infra:deploy',
        );
      }
      if (tag === 'latest' || tag === 'dev') fix.push(`Never reuse a tag like :${tag}: a re-loaded image under the same tag is silently ignored. Use the unique nx-<hash> tags the deploy passes.`);
      if (reason === 'ErrImageNeverPull') fix.unshift(`The pull policy is Never and the node does not have ${image}; load it (above) or set ${valuesPrefix(componentOf(pod))}.image.pullPolicy=IfNotPresent.`);
      return {
        kind: 'image-pull',
        severity: 'critical',
        object: workloadOf(pod),
        title: `The image ${image} is not available to the cluster, so ${status.name} cannot start.`,
        details: evidence,
        fix,
      } satisfies Finding;
    });
}

function pending(ctx: CheckContext, pod: Pod): Finding[] {
  if (pod.status.phase !== 'Pending') return [];
  const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False') return []; // scheduled, and waiting for its containers: other checks say why
  const events = eventsFor(ctx.snapshot, 'Pod', pod.metadata.name).filter((e) => e.reason === 'FailedScheduling');
  const message = events.at(-1)?.message ?? scheduled.message ?? 'the scheduler gave no reason';
  const details = [`pod ${pod.metadata.name}: Pending, not scheduled`, events.length ? describeEvent(events.at(-1)!) : `condition: ${message}`];
  const prefix = valuesPrefix(componentOf(pod));
  const object = workloadOf(pod);

  const insufficient = [...message.matchAll(/Insufficient (cpu|memory|ephemeral-storage)/g)].map((m) => m[1]!);
  if (insufficient.length) {
    const requests = pod.spec.containers.map((c) => `${c.name} requests cpu ${c.resources?.requests?.['cpu'] ?? '-'}, memory ${c.resources?.requests?.['memory'] ?? '-'}`);
    const sets = insufficient.filter((r) => r !== 'ephemeral-storage').map((r) => `${prefix}.resources.requests.${r}=${r === 'cpu' ? '50m' : '96Mi'}`);
    return [
      {
        kind: 'pending-resources',
        severity: 'critical',
        object,
        title: `No node has enough free ${[...new Set(insufficient)].join(' and ')} for ${pod.metadata.name}, so it stays Pending.`,
        details: [...details, ...requests],
        fix: [
          `See what the node has left: kubectl describe nodes${ctx.snapshot.context ? ` --context ${ctx.snapshot.context}` : ''} | grep -A8 'Allocated resources'`,
          ...(sets.length ? [`Lower the requests: ${helmSet(ctx, sets)}`] : []),
          ctx.minikube
            ? 'Or give Minikube more (it cannot resize an existing cluster, and this deletes it): minikube delete && minikube start --cpus=4 --memory=8g'
            : 'Or add capacity to the cluster (a bigger or an extra node).',
        ],
      },
    ];
  }

  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]+" not found|pod has unbound/i.test(message)) {
    const claims = (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
    const claimEvents = claims.flatMap((c) => eventsFor(ctx.snapshot, 'PersistentVolumeClaim', c).slice(-2).map(describeEvent));
    return [
      {
        kind: 'pending-volume',
        severity: 'critical',
        object,
        title: `${pod.metadata.name} waits for its volume: the claim ${claims.join(', ') || '(unknown)'} is not bound to any disk.`,
        details: [...details, ...claimEvents],
        fix: [
          `List the storage classes (one should be "(default)"): kubectl get storageclass${ctx.snapshot.context ? ` --context ${ctx.snapshot.context}` : ''}`,
          ...(ctx.minikube ? ['Minikube: minikube addons enable storage-provisioner && minikube addons enable default-storageclass'] : []),
          `Or name an existing class: ${helmSet(ctx, ['postgresql.persistence.storageClass=<class>'])} (a claim's class cannot change: delete the Pending claim first)`,
        ],
      },
    ];
  }

  return [
    {
      kind: 'pending-other',
      severity: 'critical',
      object,
      title: `${pod.metadata.name} cannot be scheduled: ${message.split('. preemption')[0]}`,
      details,
      fix: [
        /taint/i.test(message)
          ? `A node taint keeps it off the nodes: add tolerations (${prefix}.tolerations) or remove the taint (kubectl describe nodes | grep Taints).`
          : /affinity|selector/i.test(message)
            ? `No node matches its node selector or affinity: check ${prefix}.nodeSelector and ${prefix}.affinity against kubectl get nodes --show-labels.`
            : `Read the scheduler's reason above; kubectl describe pod ${pod.metadata.name} ${ctx.kubectlTarget} shows the whole story.`,
      ],
    },
  ];
}

function crashes(ctx: CheckContext, pod: Pod): Finding[] {
  const findings: Finding[] = [];
  for (const { spec, status } of containersOf(pod)) {
    const last = status.lastState?.terminated ?? status.state?.terminated;
    // Between back-offs a crashing container runs for a moment: restarts after failed runs,
    // and not ready, are a crash loop too.
    const restarting = !status.ready && status.restartCount >= 2 && (status.lastState?.terminated?.exitCode ?? 0) !== 0;
    const crashLooping = status.state?.waiting?.reason === 'CrashLoopBackOff' || restarting;
    const oom = last?.reason === 'OOMKilled';
    if (!crashLooping && !oom) continue;
    const log = ctx.snapshot.logs.find((l) => l.pod === pod.metadata.name && l.container === status.name && l.previous) ?? ctx.snapshot.logs.find((l) => l.pod === pod.metadata.name && l.container === status.name);
    const logLines = log?.lines.length ? ['last log lines:', ...log.lines.map((l) => `  | ${l}`)] : log?.error ? [`log unavailable: ${log.error}`] : [];
    const exit = last ? `exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : 'no exit recorded';
    const state = status.state?.waiting?.reason === 'CrashLoopBackOff' ? 'CrashLoopBackOff' : 'running';
    const details = [`pod ${pod.metadata.name}, container ${status.name}: ${state}, ${status.restartCount} restarts, last ${exit}`, ...logLines];
    const prefix = valuesPrefix(componentOf(pod));
    const logsCommand = `kubectl logs ${pod.metadata.name} -c ${status.name} ${ctx.kubectlTarget} --previous`;

    if (oom) {
      const limit = spec?.resources?.limits?.['memory'];
      findings.push({
        kind: 'oom-killed',
        severity: crashLooping ? 'critical' : 'warning',
        object: workloadOf(pod),
        title: `${status.name} ran out of memory and was killed (OOMKilled)${limit ? ` at its ${limit} limit` : ''}.`,
        details,
        fix: [
          `Raise the memory limit: ${helmSet(ctx, [`${prefix}.resources.limits.memory=${doubled(limit) ?? '512Mi'}`])}`,
          ...(prefix === 'api' ? ['Each api worker needs its own memory: with api.webConcurrency > 1 raise the limit with it, or scale with replicas instead.'] : []),
          `Watch its usage: kubectl top pod ${pod.metadata.name} ${ctx.kubectlTarget} --containers (needs metrics-server)`,
        ],
      });
      continue;
    }
    const known = log ? explainLog(log.lines, ctx) : undefined;
    findings.push({
      kind: 'crash-loop',
      severity: 'critical',
      object: workloadOf(pod),
      title: `${status.name} keeps crashing (${state === 'CrashLoopBackOff' ? 'CrashLoopBackOff' : `${status.restartCount} restarts`})${known ? `: ${known.meaning}` : ''}.`,
      details,
      fix: [...(known?.fix ?? ['Read the whole log for the cause:']), logsCommand],
    });
  }
  return findings;
}

/** `512Mi` → `1Gi`, `384Mi` → `768Mi`; undefined when the quantity is not in Mi/Gi. */
function doubled(quantity: string | undefined): string | undefined {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  if (!m) return undefined;
  const mi = Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1) * 2;
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

function probes(ctx: CheckContext, pod: Pod): Finding[] {
  const unhealthy = eventsFor(ctx.snapshot, 'Pod', pod.metadata.name).filter((e) => e.reason === 'Unhealthy');
  if (!unhealthy.length || pod.status.phase !== 'Running') return [];
  const findings: Finding[] = [];
  for (const { spec, status, init } of containersOf(pod)) {
    // A ready container's old probe failures (slow start) are history, not a problem.
    if (init || status.ready || !status.state?.running) continue;
    const mine = unhealthy.filter((e) => !e.involvedObject.fieldPath || e.involvedObject.fieldPath.includes(`{${status.name}}`));
    const latest = mine.at(-1);
    if (!latest?.message) continue;
    const probeKind = /^(Readiness|Liveness|Startup) probe/.exec(latest.message)?.[1] ?? 'A';
    // A container still starting, never restarted, is within its startup allowance: past
    // it the kubelet restarts the container, and the restarts are the finding.
    if (probeKind === 'Startup' && status.started !== true && status.restartCount === 0) continue;
    const probe = probeKind === 'Liveness' ? spec?.livenessProbe : probeKind === 'Startup' ? spec?.startupProbe : spec?.readinessProbe;
    const where = probe?.httpGet ? `GET ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port}` : probe?.tcpSocket ? `TCP port ${probe.tcpSocket.port}` : 'its probe';
    const { meaning, fix } = explainProbe(latest.message, probe?.httpGet?.path, ctx, pod);
    findings.push({
      kind: 'probe-failing',
      severity: 'warning',
      object: workloadOf(pod),
      title: `${probeKind} probe of ${status.name} (${where}) fails: ${meaning}.`,
      details: [`pod ${pod.metadata.name}, container ${status.name}: running, not ready, ${status.restartCount} restarts`, describeEvent(latest)],
      fix,
    });
  }
  return findings;
}

function explainProbe(message: string, path: string | undefined, ctx: CheckContext, pod: Pod): { meaning: string; fix: string[] } {
  const status = /statuscode: (\d+)/.exec(message)?.[1];
  const logs = `kubectl logs ${pod.metadata.name} ${ctx.kubectlTarget} --tail=50`;
  if (status === '503' && path && /readyz$/.test(path)) {
    return {
      meaning: 'the app answers 503 on /readyz, which means it cannot use its database (unreachable, or not migrated to this version)',
      fix: [
        `Is PostgreSQL up? kubectl get pods ${ctx.kubectlTarget} -l app.kubernetes.io/component=postgresql`,
        `Did the migration Job succeed? kubectl get jobs ${ctx.kubectlTarget} -l app.kubernetes.io/component=migrations`,
        `Its reason in the log: ${logs}`,
      ],
    };
  }
  if (/connection refused/i.test(message)) {
    return {
      meaning: 'nothing listens on the probe port (the app has not started, or listens on another port)',
      fix: [`Compare the container port with the probe's port (${valuesPrefix(componentOf(pod))}.containerPort), and read the log: ${logs}`],
    };
  }
  if (/timeout|deadline exceeded/i.test(message)) {
    return {
      meaning: 'the probe timed out: the app is too slow to answer, often starved of CPU',
      fix: [`Check CPU use against the limit (kubectl top pod ${pod.metadata.name} ${ctx.kubectlTarget}), and raise ${valuesPrefix(componentOf(pod))}.resources.limits.cpu or the probe's timeoutSeconds.`],
    };
  }
  return { meaning: message.replace(/^\w+ probe failed: /, ''), fix: [`Read the log: ${logs}`] };
}

function configErrors(ctx: CheckContext, pod: Pod): Finding[] {
  return containersOf(pod)
    .filter(({ status }) => ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'].includes(status.state?.waiting?.reason ?? ''))
    .filter(({ status }) => !/secret "[^"]+" not found|couldn't find key .* in Secret/.test(status.state?.waiting?.message ?? '')) // the secrets check says more
    .map(({ status }) => {
      const message = status.state?.waiting?.message ?? '';
      const nonRoot = /runAsNonRoot/.test(message);
      return {
        kind: 'config-error',
        severity: 'critical',
        object: workloadOf(pod),
        title: `The kubelet cannot create ${status.name}: ${message || status.state?.waiting?.reason}.`,
        details: [`pod ${pod.metadata.name}, container ${status.name}: ${status.state?.waiting?.reason}`],
        fix: nonRoot
          ? ['The image runs as root or as a user name: the images must set a numeric USER (10001), and podSecurityContext.runAsUser must be numeric.']
          : [`kubectl describe pod ${pod.metadata.name} ${ctx.kubectlTarget}`],
      } satisfies Finding;
    });
}
