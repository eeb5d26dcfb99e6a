// Flag spelling for helm 3 and helm 4 (only helm 4 is available to run here, so helm 3 is checked by its flags).
import { clusterFlags, rollbackOnFailureFlags, valuesFlags, waitFlags } from './flags';

test('wait: helm 4 takes a strategy, helm 3 a switch', () => {
  expect(waitFlags(true, 4)).toEqual(['--wait=watcher']);
  expect(waitFlags('legacy', 4)).toEqual(['--wait=legacy']);
  expect(waitFlags(true, 3)).toEqual(['--wait']);
  expect(waitFlags('hookOnly', 3)).toEqual([]);
  expect(waitFlags(false, 4)).toEqual([]);
  expect(waitFlags(undefined, 3)).toEqual([]);
});

test('rollbackOnFailure is --rollback-on-failure in helm 4 and --atomic in helm 3', () => {
  expect(rollbackOnFailureFlags(true, 4)).toEqual(['--rollback-on-failure']);
  expect(rollbackOnFailureFlags(true, 3)).toEqual(['--atomic']);
  expect(rollbackOnFailureFlags(false, 4)).toEqual([]);
});

test('set: strings go through --set-string escaped, other types through --set', () => {
  expect(valuesFlags({ values: ['a.yaml', 'b.yaml'], set: { s: 'x,y\\z', n: 2, b: false, gone: null }, setJson: { j: { a: [1] } } })).toEqual([
    '--values', 'a.yaml', '--values', 'b.yaml',
    '--set-string', 's=x\\,y\\\\z',
    '--set', 'n=2',
    '--set', 'b=false',
    '--set', 'gone=null',
    '--set-json', 'j={"a":[1]}',
  ]);
});

test('cluster flags leave out what is not set', () => {
  expect(clusterFlags({})).toEqual([]);
  expect(clusterFlags({ kubeContext: 'minikube', namespace: 'todo' })).toEqual(['--kube-context=minikube', '--namespace=todo']);
});
