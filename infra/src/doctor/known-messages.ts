// What the apps (and PostgreSQL) print when they stop at start, and what to change.
// The apps check their configuration first and exit naming the variable
// (apps/api/todo_api/core/config.py, apps/web/src/lib/server/config.mjs), e.g.
//   todo-api: invalid configuration:
//     JWT_SECRET (or BETTER_AUTH_SECRET) is required when APP_ENV=production
//   web: invalid configuration:
//     BETTER_AUTH_URL (the public origin, e.g. https://todo.example.com) is required in production
import { helmSet, type CheckContext } from './findings';

/** Where the chart takes each variable the apps require from (charts/todo-chatbot values and Secret keys). */
const VARIABLE_SOURCES: Record<string, (ctx: CheckContext) => string[]> = {
  JWT_SECRET: (ctx) => [
    `JWT_SECRET comes from the Secret ${ctx.fullname} (key jwt-secret), or from auth.existingSecret (key auth.existingSecretKeys.jwtSecret).`,
    `Its key names (no values): kubectl get secret ${ctx.fullname} ${ctx.kubectlTarget} -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}'`,
    'Set it: --set auth.jwtSecret=$(openssl rand -hex 32), or leave it empty and the chart generates one.',
  ],
  BETTER_AUTH_SECRET: (ctx) => [
    `BETTER_AUTH_SECRET comes from the Secret ${ctx.fullname} (key better-auth-secret), or auth.existingSecret (key auth.existingSecretKeys.betterAuthSecret).`,
    'Set it: --set auth.betterAuthSecret=$(openssl rand -hex 32), or leave it empty and the chart generates one.',
  ],
  BETTER_AUTH_URL: () => [
    'BETTER_AUTH_URL is the public origin users browse to: set web.publicUrl (e.g. --set web.publicUrl=http://localhost:8080), or enable the Ingress (ingress.enabled=true, ingress.host).',
  ],
  DATABASE_URL: (ctx) => [
    'DATABASE_URL comes from the in-cluster PostgreSQL (postgresql.enabled=true, password in the key postgres-password) or, with postgresql.enabled=false, from externalDatabase.url / externalDatabase.existingSecret (key externalDatabase.existingSecretUrlKey).',
    `Its key names (no values): kubectl get secret ${ctx.fullname} ${ctx.kubectlTarget} -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}'`,
  ],
  BACKEND_URL: () => ['BACKEND_URL is set by the chart to the api Service; look for an override in web.extraEnvVars.'],
  OPENAI_BASE_URL: () => ['OPENAI_BASE_URL comes from llm.baseUrl: an http:// or https:// URL such as http://ollama:11434/v1.'],
  OPENAI_MODEL: () => ['OPENAI_MODEL comes from llm.model: name a model, e.g. gpt-4o-mini.'],
  APP_ENV: () => ['APP_ENV is set by the chart (production); look for an override in web.extraEnvVars or api.extraEnvVars.'],
  API_TOKEN_TTL_SECONDS: () => ['API_TOKEN_TTL_SECONDS comes from web.apiTokenTtlSeconds: a whole number from 10 to 300.'],
  AUTH_TRUSTED_ORIGINS: () => ['AUTH_TRUSTED_ORIGINS comes from web.trustedOrigins: full origins such as http://localhost:8080.'],
};

export interface KnownMessage {
  /** What the log lines mean, in plain words. */
  meaning: string;
  fix: string[];
}

interface Pattern {
  test: RegExp;
  explain: (match: RegExpMatchArray, ctx: CheckContext, log: string) => KnownMessage;
}

const PATTERNS: Pattern[] = [
  {
    // Either app's start-up check. Several variables can be named; all are reported.
    test: /invalid configuration/i,
    explain: (_m, ctx, log) => {
      const named = [...new Set([...log.matchAll(/\b([A-Z][A-Z0-9_]{2,})\b/g)].map((m) => m[1]!).filter((v) => v in VARIABLE_SOURCES))];
      const problems = [
        ...new Set(
          log
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => /required|must be|placeholder/i.test(l)),
        ),
      ];
      return {
        meaning: `the app refused to start because its configuration is incomplete: ${problems.join('; ') || 'see the log'}`,
        fix: named.length ? named.flatMap((v) => VARIABLE_SOURCES[v]!(ctx)) : ['Set the variables the log names (values.yaml documents each one).'],
      };
    },
  },
  {
    // PostgreSQL (its image's entrypoint, initdb, or the server) cannot use its data directory:
    // the provisioner made the volume's directory root-owned, and fsGroup does not reach
    // hostPath-style volumes (seen on a single-node local-path cluster; Minikube's are 0777).
    // mkdir quotes the path ‘so’ under a UTF-8 locale (the live recording), 'so' under C.
    test: /(mkdir: cannot create directory ['‘]([^'’]+)['’]: Permission denied|could not change permissions of directory "([^"]+)"|data directory "([^"]+)" has wrong ownership|initdb: error: could not (?:access|create) directory "([^"]+)": Permission denied)/,
    explain: (m, ctx) => {
      const dir = m[2] ?? m[3] ?? m[4] ?? m[5] ?? '/var/lib/postgresql/data';
      const claim = `data-${ctx.fullname}-postgresql-0`;
      return {
        meaning: `PostgreSQL may not write its data directory ${dir}: the volume's directory was created root-owned by the provisioner (hostPath or local-path style), and fsGroup does not apply to such volumes`,
        fix: [
          `Let the chart's opt-in init container (root, CAP_CHOWN and CAP_FOWNER only, for a moment) give the directory to PostgreSQL: ${helmSet(ctx, ['postgresql.volumePermissions.enabled=true'])}`,
          'With infra:deploy: npm run nx -- run infra:deploy -- --values infra/values/volume-permissions.yaml',
          `Or use a StorageClass whose provisioner honours fsGroup: --set postgresql.persistence.storageClass=<class> (a claim's class cannot change: kubectl delete pvc ${claim} ${ctx.kubectlTarget} first)`,
          `Or, on the node, chown 999:999 the volume's directory by hand: kubectl get pv $(kubectl get pvc ${claim} ${ctx.kubectlTarget} -o jsonpath='{.spec.volumeName}') -o jsonpath='{.spec.hostPath.path}{.spec.local.path}'`,
        ],
      };
    },
  },
  {
    test: /password authentication failed for user "?([\w-]+)"?/i,
    explain: (m, ctx) => ({
      meaning: `PostgreSQL refused the password of user ${m[1]}: the password in the Secret differs from the one stored in the database volume`,
      fix: [
        'Set postgresql.auth.password to the password the database was created with,',
        `or, if its data can go: kubectl delete pvc data-${ctx.fullname}-postgresql-0 ${ctx.kubectlTarget} and upgrade again (the database starts empty).`,
      ],
    }),
  },
  {
    test: /(could not translate host name|Name or service not known|getaddrinfo (ENOTFOUND|EAI_AGAIN)|Temporary failure in name resolution|no such host)/i,
    explain: (_m, ctx) => ({
      meaning: 'a host name did not resolve: DNS is blocked (NetworkPolicy without DNS egress) or the name is wrong',
      fix: [
        `kubectl get networkpolicy ${ctx.kubectlTarget} (a policy must allow egress to kube-dns on port 53 UDP and TCP; the chart's allow-dns policy does)`,
        'Check the host in DATABASE_URL / externalDatabase.url or llm.baseUrl.',
      ],
    }),
  },
  {
    test: /(connection refused|ECONNREFUSED|Connection timed out|ETIMEDOUT).*(5432)?/i,
    explain: (_m, ctx) => ({
      meaning: 'a connection was refused or timed out: the database (or another dependency) is not up or not reachable',
      fix: [
        `kubectl get pods ${ctx.kubectlTarget} -l app.kubernetes.io/component=postgresql (is PostgreSQL running and ready?)`,
        'With an external database: is externalDatabase.url right, and does networkPolicy allow egress to it?',
      ],
    }),
  },
  {
    test: /Read-only file system/i,
    explain: () => ({
      meaning: 'the app wrote outside /tmp; the root filesystem is read-only by design',
      fix: ['Point the path at /tmp (an emptyDir), or report it as a bug in the image.'],
    }),
  },
  {
    test: /exec format error/i,
    explain: () => ({
      meaning: 'the image was built for another CPU architecture than the node',
      fix: ['Rebuild the image on (or for) the node\'s architecture: docker buildx build --platform linux/$(uname -m)'],
    }),
  },
];

/** The first known message in a container's last log lines, or undefined. */
export function explainLog(lines: readonly string[], ctx: CheckContext): KnownMessage | undefined {
  const log = lines.join('\n');
  for (const pattern of PATTERNS) {
    const match = log.match(pattern.test);
    if (match) return pattern.explain(match, ctx, log);
  }
  return undefined;
}
