// Optional: asks an OpenAI-compatible model (OpenAI, Ollama, vLLM, …) to summarise the
// findings, in the spirit of kubectl-ai. Only the findings are sent: titles, evidence (log
// lines already redacted by the collector) and fixes; Secret values are never collected.
// Any failure is a one-line note: the deterministic report above it stands on its own.
import type { Finding } from './findings';

export interface AiSettings {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

/** Settings from OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL; undefined when neither the key nor the URL is set. */
export function aiSettings(env: NodeJS.ProcessEnv, timeoutMs = 30_000): AiSettings | undefined {
  const apiKey = env['OPENAI_API_KEY']?.trim() || undefined;
  const baseUrl = env['OPENAI_BASE_URL']?.trim() || undefined;
  if (!apiKey && !baseUrl) return undefined;
  return { baseUrl: (baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, ''), apiKey, model: env['OPENAI_MODEL']?.trim() || 'gpt-4o-mini', timeoutMs };
}

const SYSTEM_PROMPT = [
  'You are a Kubernetes operator helping a developer whose Helm release of a Todo chatbot',
  '(Next.js web, FastAPI api, PostgreSQL; usually on Minikube) has problems.',
  'You get the findings of a deterministic checker as JSON. In at most 8 short lines:',
  'say which problem is most likely the root cause and which follow from it, and the order',
  'in which to apply the fixes. Use only the commands given in the findings; invent nothing.',
].join(' ');

export type AiResult = { ok: true; summary: string } | { ok: false; note: string };

export async function summarise(findings: readonly Finding[], context: { release: string; namespace: string }, settings: AiSettings): Promise<AiResult> {
  const url = `${settings.baseUrl}/chat/completions`;
  const body = {
    model: settings.model,
    temperature: 0,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: JSON.stringify({ release: context.release, namespace: context.namespace, findings }) },
    ],
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 160);
      return { ok: false, note: `AI summary unavailable: ${url} answered HTTP ${response.status}${text ? ` (${text})` : ''}` };
    }
    const data = (await response.json()) as { choices?: { message?: { content?: string } }[] };
    const summary = data.choices?.[0]?.message?.content?.trim();
    if (!summary) return { ok: false, note: `AI summary unavailable: ${url} returned no message` };
    return { ok: true, summary };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${settings.timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, note: `AI summary unavailable: ${url}: ${why}` };
  }
}
