// The Docker and Minikube clients against fake binaries on PATH that record their
// arguments and answer like the real tools.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandError } from './command';
import { Docker } from './docker';
import { Minikube } from './minikube';

let bin: string;
let env: NodeJS.ProcessEnv;
const calls = () => readFileSync(path.join(bin, 'calls'), 'utf8').trim().split('\n');

// Fails (exit 1, docker-style message last) when an argument is `missing`; prints canned output otherwise.
const fake = (tool: string, output: string) => `#!/bin/sh
echo "${tool} $*" >> "$(dirname "$0")/calls"
for a in "$@"; do [ "$a" = missing ] && { echo "some context" >&2; echo "Error response from daemon: No such object: missing" >&2; exit 1; }; done
printf "${output}"
`;

beforeAll(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'kube-clients-'));
  writeFileSync(path.join(bin, 'docker'), fake('docker', 'running healthy\\n'), { mode: 0o755 });
  writeFileSync(path.join(bin, 'minikube'), fake('minikube', 'docker.io/library/todo-api:nx-1\\n\\ntodo-web:nx-2\\n'), { mode: 0o755 });
  env = { PATH: `${bin}:/usr/bin:/bin` };
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));
beforeEach(() => writeFileSync(path.join(bin, 'calls'), ''));

test('docker: typed commands become the argument lists docker takes', async () => {
  const docker = new Docker({ env });
  expect(await docker.inspect('c1', '{{.State.Status}}')).toBe('running healthy');
  await docker.stop('c1', 30);
  await docker.start('c1');
  await docker.networkCreate('net', ['todo-e2e']);
  await docker.volumeCreate('vol', ['todo-e2e']);
  expect(await docker.runContainer(['--rm', 'img', 'true'])).toBe('running healthy');
  expect((await docker.exec('c1', ['python', '-c', 'print(1)'])).ok).toBe(true);
  await docker.rm(['a', 'b'], { force: true, volumes: true });
  expect(calls()).toEqual([
    'docker inspect --format {{.State.Status}} c1',
    'docker stop --time 30 c1',
    'docker start c1',
    'docker network create --label todo-e2e net',
    'docker volume create --label todo-e2e vol',
    'docker run --rm img true',
    'docker exec c1 python -c print(1)',
    'docker rm --force --volumes a b',
  ]);
});

test('docker: a failure is a CommandError quoting docker; probes and clean-ups resolve instead', async () => {
  const docker = new Docker({ env });
  const err = await docker.start('missing').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CommandError);
  expect((err as CommandError).message).toBe(
    `docker start exited with 1: Error response from daemon: No such object: missing\n  command: docker start missing`,
  );
  expect(await docker.imageExists('missing')).toBe(false);
  expect(await docker.imageExists('todo-api:nx-1')).toBe(true);
  expect(await docker.exec('missing', ['true'])).toMatchObject({ ok: false, exitCode: 1 });
  expect((await docker.networkRm('missing')).ok).toBe(false);
});

test('minikube: the profile goes first; image ls is a list of references', async () => {
  const minikube = new Minikube({ env, profile: 'dev' });
  expect(await minikube.imageLs()).toEqual(['docker.io/library/todo-api:nx-1', 'todo-web:nx-2']);
  await minikube.imageLoad('todo-api:nx-3');
  await minikube.start({ cpus: 2, memory: '4g', addons: ['ingress'] });
  await new Minikube({ env }).status();
  expect(calls()).toEqual([
    'minikube --profile dev image ls --format short',
    'minikube --profile dev image load todo-api:nx-3',
    'minikube --profile dev start --cpus=2 --memory=4g --addons=ingress',
    'minikube status',
  ]);
  await expect(minikube.imageLoad('missing')).rejects.toThrow('minikube image exited with 1: Error response from daemon: No such object: missing');
});
