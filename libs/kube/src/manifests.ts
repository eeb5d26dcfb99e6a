// Multi-document YAML from helm → Kubernetes objects, read the way Kubernetes reads them.
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './k8s-types';

/**
 * Parses rendered manifests; empty documents (templates that render nothing) are skipped.
 * Kubernetes decodes YAML 1.1 style (sigs.k8s.io/yaml): `yes`/`on` are booleans and `0644`
 * is octal, so this does too — but timestamps and `1:30` stay strings, as they do there.
 */
export function parseManifests(text: string): K8sObject[] {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || (tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME')),
  });
  const objects: K8sObject[] = [];
  docs.forEach((doc, i) => {
    const where = `manifest document ${i + 1}`;
    const error = doc.errors[0];
    if (error) throw new Error(`${where}: ${error.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isK8sObject(value)) throw new Error(`${where} is not a Kubernetes object (apiVersion, kind and metadata.name): ${String(doc).slice(0, 200)}`);
    objects.push(value);
  });
  return objects;
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<K8sObject>;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' && typeof v.metadata?.name === 'string';
}
