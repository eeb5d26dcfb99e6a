import { parseManifests } from './manifests';

test('skips empty documents and keeps the order', () => {
  const text = `---\n# Source: a.yaml\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: two\n`;
  expect(parseManifests(text).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/one', 'Secret/two']);
});

test('reads scalars as Kubernetes does: YAML 1.1 booleans and octals, timestamps as strings', () => {
  const [cm] = parseManifests(
    'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  a: yes\n  b: "yes"\n  mode: 0644\n  at: 2026-01-02\n  t: 1:30\n  big: 1_000\n',
  );
  expect(cm?.['spec']).toEqual({ a: true, b: 'yes', mode: 420, at: '2026-01-02', t: '1:30', big: 1000 });
});

test('a document that is not a Kubernetes object, or not valid YAML, is an error naming it', () => {
  expect(() => parseManifests('apiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\nfoo: bar\n')).toThrow(/^manifest document 2 is not a Kubernetes object/);
  expect(() => parseManifests('apiVersion: v1\nkind: A\nmetadata: {name: a, name: b}\n')).toThrow(/^manifest document 1: .*unique/);
});
