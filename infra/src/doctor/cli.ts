// infra:doctor — inspects a todo-chatbot Helm release and explains what is wrong, with the fix.
//   npx tsx infra/src/doctor/cli.ts --release todo --namespace todo
//   npm run nx -- run infra:doctor -- --release todo --namespace todo [--context minikube] [--json] [--ai] [--record DIR]
// Exit code: 0 healthy, 1 problems found, 2 could not inspect (or bad arguments, or --record failed).
import { parseArgs } from 'node:util';
import { describeKubectlBinary, resolveKubectlBinary } from '@todo/kube';
import { aiSettings, summarise } from './ai';
import { analyze } from './analyze';
import { CannotInspect, collect } from './collect';
import { recordScenario } from './record';
import { jsonReport, renderCannotInspect, renderText, type ExitCode } from './report';

const USAGE = `usage: infra:doctor [--release NAME] [--namespace NS] [--context CTX] [--kubeconfig FILE] [--json] [--ai] [--record DIR]

  --release, -r     Helm release to inspect (default: todo)
  --namespace, -n   its namespace (default: todo)
  --context         kube context (default: the kubeconfig's current context)
  --kubeconfig      kubeconfig file (default: KUBECONFIG, else ~/.kube/config)
  --json            print the findings as JSON
  --ai              also ask an OpenAI-compatible model for a summary
                    (needs OPENAI_API_KEY or OPENAI_BASE_URL; model: OPENAI_MODEL, default gpt-4o-mini)
  --record DIR      also write what was collected to DIR as a test scenario, without Secret
                    values (e.g. infra/src/doctor/__fixtures__/NAME; an earlier one there is replaced)

kubectl: KUBECTL_BIN, else kubectl on PATH, else the workspace-pinned one. helm: HELM_BIN, PATH, pinned.
Exit code: 0 healthy, 1 problems found, 2 could not inspect (or record).`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        release: { type: 'string', short: 'r', default: 'todo' },
        namespace: { type: 'string', short: 'n', default: 'todo' },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        json: { type: 'boolean', default: false },
        ai: { type: 'boolean', default: false },
        record: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }

  // INFRA_DOCTOR_NOW pins the clock (ages of Jobs, HPAs, Ingresses) for reproducible examples.
  const pinned = io.env['INFRA_DOCTOR_NOW'] ? new Date(io.env['INFRA_DOCTOR_NOW']) : undefined;
  const target = { release: values.release, namespace: values.namespace, context: values.context, kubeconfig: values.kubeconfig, env: io.env, now: pinned && (() => pinned) };
  let snapshot;
  let tool: string | undefined;
  try {
    tool = describeKubectlBinary(await resolveKubectlBinary({ env: io.env }));
    snapshot = await collect(target);
  } catch (err) {
    if (err instanceof CannotInspect) io.err(renderCannotInspect(err));
    else io.err(`infra:doctor could not inspect the cluster: ${(err as Error).message}`);
    return 2;
  }
  if (values.record) {
    try {
      recordScenario(snapshot, values.record);
    } catch (err) {
      io.err(`infra:doctor could not record the scenario: ${(err as Error).message}`);
      return 2;
    }
    // stderr, so that stdout stays the report (--json parses).
    io.err(`infra:doctor: recorded what was collected as a test scenario in ${values.record}`);
  }

  const findings = analyze(snapshot);
  const report = jsonReport(snapshot, findings);

  let ai: { summary?: string; note?: string } = {};
  if (values.ai) {
    const settings = aiSettings(io.env);
    if (!settings) ai = { note: 'AI summary skipped: set OPENAI_API_KEY or OPENAI_BASE_URL to use --ai' };
    else if (!findings.length) ai = { note: 'AI summary skipped: nothing to summarise' };
    else {
      const result = await summarise(findings, snapshot, settings);
      ai = result.ok ? { summary: result.summary } : { note: result.note };
    }
  }

  if (values.json) {
    io.out(JSON.stringify({ ...report, aiSummary: ai.summary, aiNote: ai.note }, null, 2));
  } else {
    io.out(renderText(snapshot, findings, tool));
    if (ai.summary) io.out(`\nAI summary (${aiSettings(io.env)?.model}, may be wrong; the findings above are the facts):\n${ai.summary}`);
    if (ai.note) io.out(`\n${ai.note}`);
  }
  return report.exitCode;
}

// Run as a script: `tsx infra/src/doctor/cli.ts` (the infra:doctor target).
if (require.main === module) {
  main(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t), env: process.env }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(`infra:doctor failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 2;
    },
  );
}
