// postgresql.volumePermissions: an opt-in init container that runs as root, for provisioners
// that create the volume's directory root-owned and ignore fsGroup (hostPath, local-path).
// Off (the default): no trace of it, and nothing runs as root. On: exactly one such
// container, root with CHOWN and FOWNER only, on PostgreSQL's data mount, and nothing else changes.
import {
  CI_CASES,
  caseValues,
  containers,
  id,
  podOf,
  podSpecs,
  render,
  renderMatrix,
  resolvedEnv,
  type Container,
  type K8sObject,
  type Rendered,
} from './render';

const STATEFULSET = 'StatefulSet';
const initContainers = (objects: readonly K8sObject[]): Container[] => podOf(objects, STATEFULSET, 'postgresql').spec.initContainers ?? [];
const mainContainer = (objects: readonly K8sObject[]): Container => podOf(objects, STATEFULSET, 'postgresql').spec.containers.find((c) => c.name === 'postgresql')!;
const script = (c: Container): string => (c.command ?? []).join(' ');

let off: Rendered;
let on: Rendered;
beforeAll(async () => {
  [off, on] = await Promise.all([render('default'), render('volume-permissions')]);
});

describe('off (the default)', () => {
  test('the CI case that turns it on is the only one', () => {
    expect(CI_CASES.filter((c) => caseValues(c).postgresql.volumePermissions.enabled)).toEqual(['volume-permissions']);
  });

  test('every other CI case, install and upgrade: PostgreSQL has no init container and no container runs as root', async () => {
    const bad: string[] = [];
    for (const r of (await renderMatrix()).filter((x) => x.caseName !== 'volume-permissions')) {
      for (const pod of podSpecs(r.objects)) {
        if (pod.owner.kind === STATEFULSET && (pod.spec.initContainers ?? []).length) bad.push(`${r.label} ${id(pod.owner)}: init containers`);
        for (const c of containers(pod)) {
          const user = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
          if (user === 0 || c.securityContext?.runAsNonRoot === false) bad.push(`${r.label} ${id(pod.owner)} ${c.name}: root`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test('no checkov skip for added capabilities', () => {
    const annotations = podOf(off.objects, STATEFULSET, 'postgresql').owner.metadata.annotations ?? {};
    expect(Object.values(annotations).join('\n')).not.toMatch(/CKV_K8S_25/);
  });
});

describe('on (ci/volume-permissions-values.yaml)', () => {
  test('exactly one init container on the PostgreSQL StatefulSet, root there only, with CHOWN and FOWNER after dropping ALL', () => {
    const init = initContainers(on.objects);
    expect(init.map((c) => c.name)).toEqual(['volume-permissions']);
    expect(init[0]!.securityContext).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // The pod itself stays non-root; PostgreSQL's own container keeps the chart's defaults.
    const pod = podOf(on.objects, STATEFULSET, 'postgresql');
    expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
    expect(mainContainer(on.objects).securityContext).toEqual(mainContainer(off.objects).securityContext);
  });

  test('it mounts the data volume where PostgreSQL does, and PGDATA lies below that directory', () => {
    const [init] = initContainers(on.objects);
    const data = mainContainer(on.objects).volumeMounts?.find((m) => m.name === 'data');
    expect(init!.volumeMounts).toEqual([{ name: 'data', mountPath: data!.mountPath }]);
    const pgdata = resolvedEnv(on.objects, mainContainer(on.objects)).get('PGDATA')?.value;
    expect(pgdata?.startsWith(`${data!.mountPath}/`)).toBe(true);
  });

  test('it gives that directory (not recursively) to runAsUser:fsGroup, mode 2770, and logs before and after', () => {
    const s = script(initContainers(on.objects)[0]!);
    expect(s).toContain('chown 999:999 /var/lib/postgresql/data;');
    expect(s).toContain('chmod 2770 /var/lib/postgresql/data;');
    expect(s).not.toMatch(/-R\b/);
    expect(s.match(/ls -ldn/g)).toHaveLength(2);
  });

  test('the uid and gid follow postgresql.podSecurityContext', async () => {
    const r = await render('volume-permissions', { set: { 'postgresql.podSecurityContext.runAsUser': 1001, 'postgresql.podSecurityContext.fsGroup': 2000 } });
    expect(script(initContainers(r.objects)[0]!)).toContain('chown 1001:2000 /var/lib/postgresql/data;');
  });

  test('its image is the PostgreSQL image (nothing new to pull) unless one is given', async () => {
    const [init] = initContainers(on.objects);
    expect(init!.image).toBe(mainContainer(on.objects).image);
    expect(init!.imagePullPolicy).toBe(mainContainer(on.objects).imagePullPolicy);
    expect(init!.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } });
    const own = await render('volume-permissions', {
      set: { 'postgresql.volumePermissions.image.registry': 'docker.io', 'postgresql.volumePermissions.image.repository': 'library/busybox', 'postgresql.volumePermissions.image.tag': '1.37', 'postgresql.volumePermissions.image.pullPolicy': 'Always' },
    });
    expect(initContainers(own.objects)[0]).toMatchObject({ image: 'docker.io/library/busybox:1.37', imagePullPolicy: 'Always' });
  });

  test('the StatefulSet carries one more checkov skip, for the added capabilities, with its reason', () => {
    const annotations = podOf(on.objects, STATEFULSET, 'postgresql').owner.metadata.annotations ?? {};
    expect(Object.keys(annotations).filter((k) => k.startsWith('checkov.io/')).sort()).toEqual(['checkov.io/skip1', 'checkov.io/skip2']);
    expect(annotations['checkov.io/skip2']).toMatch(/^CKV_K8S_25=opt-in postgresql.volumePermissions: /);
  });

  test('every other pod is unchanged, and PostgreSQL\'s own container too', () => {
    const others = (r: Rendered) => podSpecs(r.objects).filter((p) => p.owner.kind !== STATEFULSET).map((p) => ({ owner: id(p.owner), spec: p.spec }));
    expect(others(on)).toEqual(others(off));
    expect(podOf(on.objects, STATEFULSET, 'postgresql').spec.containers).toEqual(podOf(off.objects, STATEFULSET, 'postgresql').spec.containers);
  });
});

describe('the schema refuses bad values', () => {
  test.each([
    [{ 'postgresql.volumePermissions.enabled': 'yes' }, /volumePermissions\/enabled.*got string, want boolean/s],
    [{ 'postgresql.volumePermissions.image.pullPolicy': 'Sometimes' }, /volumePermissions\/image\/pullPolicy/],
    [{ 'postgresql.volumePermissions.runAsUser': 0 }, /additional properties 'runAsUser' not allowed/],
  ])('%j', async (setJson, message) => {
    await expect(render('default', { setJson })).rejects.toThrow(message);
  });
});
