// The states infra:e2e-cluster recorded on the hermetic cluster (`infra:doctor --record`):
// `healthy` after the whole run (rollbacks, autoscaling, pods deleted: old warnings in its
// events), `live-faults` a second release with four faults induced at once.
import { loadScenario } from './__fixtures__/scenarios';
import { analyze } from './analyze';
import type { Finding } from './findings';

const text = (f: Finding) => [f.title, ...f.details, ...f.fix].join('\n');

test('the healthy release, live, has no findings despite its history of warnings', () => {
  const snapshot = loadScenario('healthy');
  expect(snapshot.context).toBe('todo-hermetic');
  expect(snapshot.events.filter((e) => e.type === 'Warning').length).toBeGreaterThan(10);
  expect(analyze(snapshot)).toEqual([]);
});

describe('the faults release, live', () => {
  const list = analyze(loadScenario('live-faults'));
  const find = (kind: Finding['kind'], object: string) => list.find((f) => f.kind === kind && f.object === object);

  test('PostgreSQL on a root-owned volume: the crash loop is explained, with the volumePermissions fix', () => {
    const f = find('crash-loop', 'StatefulSet/faults-todo-chatbot-postgresql')!;
    expect(f.title).toContain('may not write its data directory /var/lib/postgresql/data');
    expect(f.fix[0]).toContain('--set postgresql.volumePermissions.enabled=true');
    expect(f.fix[0]).toContain('-n todo-faults --kube-context todo-hermetic');
  });

  test('an image the node lacks: named, for the api and the migration Job alike', () => {
    for (const object of ['Deployment/faults-todo-chatbot-api', 'Job/faults-todo-chatbot-migrate-install']) {
      expect(text(find('image-pull', object)!)).toContain('todo-api:not-on-this-node');
    }
  });

  test('a pod asking for more CPU than the node has: the scheduler quoted', () => {
    expect(text(find('pending-resources', 'Deployment/faults-todo-chatbot-web')!)).toContain('1 Insufficient cpu');
  });

  test('a Secret key removed: the key and every variable that needs it', () => {
    const f = find('secret-key-missing', 'Secret/faults-todo-chatbot')!;
    expect(f.title).toContain('no key "jwt-secret"');
    expect(f.title).toContain('JWT_SECRET of api');
  });

  test('critical findings come before the Services they leave without endpoints', () => {
    const kinds = list.map((f) => f.kind);
    expect(kinds.lastIndexOf('crash-loop')).toBeLessThan(kinds.indexOf('service-no-endpoints'));
  });
});
