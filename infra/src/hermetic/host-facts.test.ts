// What cluster-up reads from the host and cluster-down undoes, on given inputs.
import { apiserver, kubelet, kubeProxy, NETWORK_POLICY_TABLE, networkPolicies } from './components';
import { NETWORK_POLICY_QUEUE, NETWORK_POLICY_RULES, queueBound } from './host';
import { mountsUnder } from './down';
import { newChains, parseChains, rulesJumpingTo } from './iptables';
import { layout } from './layout';
import { nodeAddress } from './node';
import { apiserverSans, newIdentities, tokenFile } from './pki';
import { preflight } from './preflight';

const ROUTES = `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
`;

describe('the node address', () => {
  test("is the default route's interface's IPv4 address", () => {
    const interfaces = {
      docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
      eth0: [
        { address: 'fe80::1', family: 'IPv6', internal: false },
        { address: '192.0.2.2', family: 'IPv4', internal: false },
      ],
    } as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
    expect(nodeAddress(ROUTES, interfaces)).toBe('192.0.2.2');
  });

  test('without a default route it says what is missing', () => {
    expect(() => nodeAddress(ROUTES.split('\n').slice(0, 2).join('\n'), {})).toThrow('default route');
  });
});

test('cluster-down unmounts only under its own folders, deepest first', () => {
  const mountinfo = [
    '22 1 254:0 / / rw shared:1 - ext4 /dev/vda rw',
    '30 22 0:50 / /run/todo-hermetic/containerd/io.containerd.grpc.v1.cri/netns/cni-1 rw shared:5 - nsfs nsfs rw',
    '31 22 0:51 / /var/lib/todo-hermetic/kubelet/pods/x/volumes/kubernetes.io~projected/token rw - tmpfs tmpfs rw',
    '32 22 0:52 / /var/lib/todo-hermetic/kubelet rw - ext4 /dev/vda rw',
    '33 22 0:53 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw',
    '34 22 0:54 / /run/todo-hermetic-other rw - tmpfs tmpfs rw',
  ].join('\n');
  expect(mountsUnder(['/run/todo-hermetic', '/var/lib/todo-hermetic'], mountinfo)).toEqual([
    '/var/lib/todo-hermetic/kubelet/pods/x/volumes/kubernetes.io~projected/token',
    '/run/todo-hermetic/containerd/io.containerd.grpc.v1.cri/netns/cni-1',
    '/var/lib/todo-hermetic/kubelet',
  ]);
});

describe('NetworkPolicy enforcement', () => {
  test('the controller answers the queue the rules send to, and owns its own nftables table', () => {
    expect(networkPolicies(layout('/ws')).args).toEqual(
      expect.arrayContaining(['kube-network-policies', `--nfqueue-id=${NETWORK_POLICY_QUEUE}`, `--nftables-table=${NETWORK_POLICY_TABLE}`, '--hostname-override=todo-hermetic']),
    );
    for (const rule of NETWORK_POLICY_RULES) expect(rule.spec.slice(-4)).toEqual(['-j', 'NFQUEUE', '--queue-num', String(NETWORK_POLICY_QUEUE)]);
  });

  test("new connections to and from pods are queued, after kube-proxy's DNAT, except the host's root and DNS over UDP", () => {
    expect(new Set(NETWORK_POLICY_RULES.map((r) => `${r.table}/${r.chain}`))).toEqual(new Set(['mangle/POSTROUTING']));
    const joined = NETWORK_POLICY_RULES.map((r) => r.spec.join(' '));
    expect(joined.filter((j) => j.startsWith('-s 10.244.0.0/16'))).toHaveLength(2);
    expect(joined.filter((j) => j.startsWith('-d 10.244.0.0/16'))).toHaveLength(2);
    for (const j of joined) {
      expect(j).toContain('--ctstate NEW');
      expect(j).toContain('-m owner ! --uid-owner 0');
      expect(j).not.toContain('--queue-bypass'); // fail closed: no controller, no new connections
      expect(j).toMatch(/! -p udp|-p udp ! --dport 53/);
    }
  });

  test('the queue counts as bound only when its number heads a line of nfnetlink_queue', () => {
    const table = '    7   1234     0 2   128     0     0        1  1\n  100   4917     0 2   128     0     0     1053  1\n';
    expect(queueBound(100, table)).toBe(true);
    expect(queueBound(7, table)).toBe(true);
    expect(queueBound(10, table)).toBe(false);
    expect(queueBound(100, '')).toBe(false);
  });
});

describe('identities and certificates', () => {
  test('each component has its own token; the kubelet is a node, the admin a cluster admin', () => {
    const ids = newIdentities();
    const tokens = Object.values(ids).map((i) => i.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(ids.kubelet).toMatchObject({ user: 'system:node:todo-hermetic', groups: ['system:nodes'] });
    expect(ids.admin.groups).toEqual(['system:masters']);
    expect(tokenFile(ids).split('\n')[0]).toBe(`${ids.admin.token},todo-hermetic-admin,todo-hermetic-admin,"system:masters"`);
  });

  test("the API server's certificate names the node, the kubernetes Service IP and its DNS names", () => {
    const sans = apiserverSans('192.0.2.2');
    for (const san of ['IP:192.0.2.2', 'IP:10.96.0.1', 'DNS:kubernetes.default.svc.cluster.local']) expect(sans).toContain(san);
  });
});

describe('component flags', () => {
  const l = layout('/ws');
  test('the API server listens on the node address only, with RBAC and no anonymous access', () => {
    const args = apiserver(l, '192.0.2.2').args;
    expect(args).toEqual(expect.arrayContaining(['--bind-address=192.0.2.2', '--authorization-mode=Node,RBAC', '--anonymous-auth=false']));
  });

  test('the kubelet and kube-proxy leave OOM scores alone (this VM withholds CAP_SYS_RESOURCE)', () => {
    expect(kubelet(l, '192.0.2.2').args).toContain('--node-ip=192.0.2.2');
    expect(kubeProxy(l).args).toEqual(expect.arrayContaining(['--oom-score-adj=0', '--proxy-mode=iptables', '--iptables-localhost-nodeports=false']));
  });
});

describe('preflight', () => {
  test('not Linux: one line that points to Minikube', async () => {
    expect(await preflight({ platform: 'darwin', uid: 501, env: {} })).toEqual([expect.stringContaining('use Minikube')]);
  });

  test('not root, nothing on PATH: each problem names its fix', async () => {
    const problems = await preflight({ platform: 'linux', uid: 1000, env: { PATH: '/nonexistent' } });
    expect(problems[0]).toContain('not root');
    expect(problems[1]).toMatch(/^missing containerd \(package containerd\).*apt-get install -y containerd/);
  });
});

describe('iptables chains cluster-down removes', () => {
  test('only KUBE-* and CNI-* chains that were not there before: never Docker’s, never a built-in one', () => {
    const before = { iptables: { filter: ['INPUT', 'FORWARD', 'DOCKER', 'KUBE-OLD'] } };
    const now = { iptables: { filter: ['INPUT', 'FORWARD', 'DOCKER', 'DOCKER-NEW', 'KUBE-OLD', 'KUBE-FIREWALL'], nat: ['POSTROUTING', 'CNI-abc123'] } };
    expect(newChains(before, now)).toEqual([
      { family: 'iptables', table: 'filter', chain: 'KUBE-FIREWALL' },
      { family: 'iptables', table: 'nat', chain: 'CNI-abc123' },
    ]);
  });

  test('reads chain names from iptables-save, and finds the rules that jump to ours by number', () => {
    expect(parseChains('*filter\n:INPUT ACCEPT [0:0]\n:KUBE-FIREWALL - [0:0]\n-A INPUT -j KUBE-FIREWALL\nCOMMIT\n')).toEqual(['INPUT', 'KUBE-FIREWALL']);
    const listing = [
      'Chain INPUT (policy ACCEPT)',
      'num  target     prot opt source               destination',
      '1    KUBE-FIREWALL  all  --  0.0.0.0/0            0.0.0.0/0',
      '2    DOCKER     all  --  0.0.0.0/0            0.0.0.0/0',
      '3    KUBE-NODEPORTS  all  --  0.0.0.0/0            0.0.0.0/0',
    ].join('\n');
    expect(rulesJumpingTo(listing, new Set(['KUBE-FIREWALL', 'KUBE-NODEPORTS']))).toEqual([1, 3]);
  });
});
