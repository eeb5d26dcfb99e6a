// Label selectors: matching (the doctor and chart tests) and the strings kubectl's -l takes.
import { INSTANCE_LABEL, labelsMatch, releaseSelector, selectorString } from './labels';

test('a release is selected by its instance label', () => {
  expect(releaseSelector('todo')).toBe('app.kubernetes.io/instance=todo');
  expect(labelsMatch({ matchLabels: { [INSTANCE_LABEL]: 'todo' } }, { [INSTANCE_LABEL]: 'todo', other: 'x' })).toBe(true);
});

test('labels become a kubectl selector in their own order', () => {
  expect(selectorString({ 'app.kubernetes.io/component': 'web', 'app.kubernetes.io/instance': 'rel' })).toBe('app.kubernetes.io/component=web,app.kubernetes.io/instance=rel');
  expect(selectorString({})).toBe('');
});

test('match expressions follow Kubernetes semantics', () => {
  const labels = { tier: 'web' };
  expect(labelsMatch({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels)).toBe(true);
  expect(labelsMatch({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
  expect(labelsMatch({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  expect(labelsMatch(undefined, undefined)).toBe(true);
});
