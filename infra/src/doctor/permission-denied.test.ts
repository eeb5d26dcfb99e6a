// PostgreSQL on a volume its user may not write (a provisioner that makes root-owned
// directories, where fsGroup does not apply): the crash loop is named with the fix.
import { loadScenario } from './__fixtures__/scenarios';
import { analyze } from './analyze';
import { checkContext } from './findings';
import { explainLog } from './known-messages';

const ctx = checkContext(loadScenario('permission-denied'));

describe('a first install whose PostgreSQL cannot create its data directory (permission-denied)', () => {
  const list = analyze(loadScenario('permission-denied'));
  const crash = list.find((f) => f.kind === 'crash-loop' && f.object === 'StatefulSet/todo-todo-chatbot-postgresql');

  test('the crash loop names the cause: a root-owned volume directory, fsGroup not applied', () => {
    expect(crash?.severity).toBe('critical');
    expect(crash?.title).toContain('postgresql keeps crashing (CrashLoopBackOff): PostgreSQL may not write its data directory /var/lib/postgresql/data');
    expect(crash?.title).toContain('created root-owned by the provisioner');
    expect(crash?.title).toContain('fsGroup does not apply');
    expect(crash?.details).toContain("  | mkdir: cannot create directory '/var/lib/postgresql/data': Permission denied");
    expect(crash?.details[0]).toContain('5 restarts, last exit code 1 (Error)');
  });

  test('the fix is the opt-in init container, with a helm command and an infra:deploy one, then the alternatives', () => {
    expect(crash?.fix[0]).toContain('helm upgrade todo charts/todo-chatbot -n todo --kube-context default --reuse-values --set postgresql.volumePermissions.enabled=true');
    expect(crash?.fix[1]).toBe('With infra:deploy: npm run nx -- run infra:deploy -- --values infra/values/volume-permissions.yaml');
    expect(crash?.fix.join('\n')).toContain('a StorageClass whose provisioner honours fsGroup');
    expect(crash?.fix.at(-1)).toBe('kubectl logs todo-todo-chatbot-postgresql-0 -c postgresql -n todo --context default --previous');
  });

  test('the apps waiting on the database and the failed release are reported too, the crash loop first among pods', () => {
    const kinds = list.map((f) => f.kind);
    expect(kinds).toContain('release-failed');
    expect(kinds.indexOf('crash-loop')).toBeLessThan(kinds.indexOf('probe-failing'));
  });
});

describe.each([
  ["mkdir: cannot create directory '/var/lib/postgresql/data/pgdata': Permission denied", '/var/lib/postgresql/data/pgdata'],
  ['mkdir: cannot create directory ‘/var/lib/postgresql/data’: Permission denied', '/var/lib/postgresql/data'],
  ['initdb: error: could not change permissions of directory "/var/lib/postgresql/data/pgdata": Operation not permitted', '/var/lib/postgresql/data/pgdata'],
  ['FATAL:  data directory "/var/lib/postgresql/data/pgdata" has wrong ownership', '/var/lib/postgresql/data/pgdata'],
  ['initdb: error: could not access directory "/var/lib/postgresql/data/pgdata": Permission denied', '/var/lib/postgresql/data/pgdata'],
  ['initdb: error: could not create directory "/var/lib/postgresql/data/pgdata": Permission denied', '/var/lib/postgresql/data/pgdata'],
])('PostgreSQL line %j', (line, dir) => {
  test('is read as the data directory permission problem, with the volumePermissions fix', () => {
    const known = explainLog(['The files belonging to this database system will be owned by user "postgres".', line], ctx);
    expect(known?.meaning).toContain(`may not write its data directory ${dir}`);
    expect(known?.fix[0]).toContain('--set postgresql.volumePermissions.enabled=true');
  });
});

test('another program\'s "Permission denied" is not taken for it', () => {
  expect(explainLog(['open /etc/app/config.yaml: permission denied'], ctx)).toBeUndefined();
});
