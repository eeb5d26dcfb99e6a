// Kubernetes label selectors, one implementation for the chart tests (rendered objects) and
// the doctor (live objects).

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/**
 * Kubernetes label selector semantics. A Service's `spec.selector` is a plain map: pass it
 * as `{ matchLabels: map }`. An empty selector matches everything (as in NetworkPolicy).
 */
export function labelsMatch(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const value = l[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value!))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The label Helm charts set to the release name on every object of a release. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** Labels as a `kubectl -l` selector (equality terms joined by commas): `a=1,b=2`. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The selector of every object of a Helm release: `app.kubernetes.io/instance=<release>`. */
export function releaseSelector(release: string): string {
  return selectorString({ [INSTANCE_LABEL]: release });
}
