// The hermetic cluster's build inputs, from the pinned version alone: the staging replace
// list read from k/k's own go.mod, the version strings, and the config templates.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { goDirectives, nodeGoMod, stagingModules, versionLdflags } from './gomod';
import { layout } from './layout';
import { fill, render, templateValues } from './templates';
import { KUBERNETES_VERSION, NETWORK_POLICIES_VERSION, stagingVersion } from './versions';

const K8S_GO_MOD = `module k8s.io/kubernetes

go 1.25.0

godebug default=go1.24

require (
\tk8s.io/api v0.0.0
\tgithub.com/spf13/cobra v1.9.1
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tk8s.io/api => ./staging/src/k8s.io/api
\tgithub.com/x/y => github.com/x/y v1.0.0
)
`;

describe('the node module', () => {
  test('replaces exactly the staging modules of the tag, each with its v0.<minor>.<patch> version', () => {
    expect(stagingModules(K8S_GO_MOD)).toEqual(['k8s.io/api', 'k8s.io/client-go']);
    const goMod = nodeGoMod(K8S_GO_MOD, 'v1.34.12');
    expect(goMod).toContain('\tk8s.io/kubernetes v1.34.12\n');
    expect(goMod).toContain(`\tsigs.k8s.io/kube-network-policies ${NETWORK_POLICIES_VERSION}\n`);
    expect(goMod).toContain('\tk8s.io/api => k8s.io/api v0.34.12');
    expect(goMod).toContain('\tk8s.io/client-go => k8s.io/client-go v0.34.12');
    expect(goMod).not.toContain('github.com/x/y');
  });

  test("keeps k/k's go and godebug directives", () => {
    expect(goDirectives(K8S_GO_MOD)).toEqual(['go 1.25.0', 'godebug default=go1.24']);
  });

  test('refuses a go.mod with no staging replaces rather than build without them', () => {
    expect(() => stagingModules('module x\n')).toThrow('staging');
  });

  test('the version strings the components report (helm reads them)', () => {
    const flags = versionLdflags('v1.34.12');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.34.12`);
      expect(flags).toContain(`-X ${pkg}.gitMajor=1`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=34`);
    }
  });

  test('the pinned version is a 1.34 patch release', () => {
    expect(KUBERNETES_VERSION).toMatch(/^v1\.34\.\d+$/);
    expect(stagingVersion()).toBe(KUBERNETES_VERSION.replace('v1.', 'v0.'));
    expect(() => stagingVersion('1.34')).toThrow('v1.34.12');
  });

  test('the multi-call main names every component it dispatches to', () => {
    const main = readFileSync(path.join(__dirname, '../../hermetic/node/main.go'), 'utf8');
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'etcd', 'kube-network-policies']) expect(main).toContain(`"${c}"`);
  });
});

describe('templates', () => {
  test('fills every hole and refuses one it has no value for', () => {
    expect(fill('a ${X} b ${Y}', { X: '1', Y: '2' })).toBe('a 1 b 2');
    expect(() => fill('${MISSING}', {})).toThrow('no value for ${MISSING}');
  });

  test.each(['config/containerd.toml', 'config/kubelet.yaml', 'config/cni.conflist', 'addons/coredns.yaml', 'addons/metrics-server.yaml', 'addons/storage-class.yaml', 'addons/network-policies.yaml'])(
    '%s renders with no hole left',
    (file) => {
      const text = render(file, templateValues(layout('/ws')));
      expect(text).not.toMatch(/\$\{[A-Z_]+\}/);
    },
  );

  test("containerd gets its own socket, root and state (never Docker's), and the OOM setting this VM needs", () => {
    const toml = render('config/containerd.toml', templateValues(layout('/ws')));
    expect(toml).toContain('address = "/run/todo-hermetic/containerd.sock"');
    expect(toml).toContain('root = "/var/lib/todo-hermetic/containerd"');
    expect(toml).toContain('restrict_oom_score_adj = true');
    expect(toml).not.toMatch(/\/run\/containerd\/|\/var\/run\/docker/);
  });

  test('CoreDNS has no forward plugin: no query leaves the machine', () => {
    expect(render('addons/coredns.yaml', templateValues(layout('/ws')))).not.toMatch(/^\s*forward\b/m);
    expect(readFileSync(path.join(__dirname, '../../hermetic/coredns/main.go'), 'utf8')).not.toContain('plugin/forward');
  });
});
