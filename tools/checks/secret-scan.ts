// Scans the files git tracks for credentials: API keys, private keys, tokens, hosted
// database URLs with passwords, and committed env files. Peers of this project leaked all
// of these; the test suite runs this scan so that we never do.
//   npx tsx tools/checks/secret-scan.ts      prints each hit; exits 1 when there is one
// A line that must hold such a string on purpose can say `secret-scan: allow`.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Hit {
  file: string;
  line: number;
  rule: string;
}

export const RULES: [string, RegExp][] = [
  ['OpenAI API key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/],
  ['Anthropic API key', /\bsk-ant-[A-Za-z0-9_-]{20,}/],
  ['AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['private key', /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/],
  // A value assigned to one of the project's own secret names, in env, shell or YAML form.
  // Empty values, references ($X, ${X}, <placeholder>), constants and code variables pass.
  [
    'value for a secret variable',
    /^\s*(?:export\s+)?(?:JWT_SECRET|BETTER_AUTH_SECRET|OPENAI_API_KEY|[A-Z_]*PASSWORD)\s*[=:]\s*["']?(?![$<{]|[A-Z_]+["']?,?\s*$|[a-z_][\w.]*[,)])[^\s"'#]{12,}/,
  ],
  [
    'hosted database URL with a password',
    /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?)(?:\+[a-z0-9]+)?:\/\/[^:/@\s]+:[^@\s]{6,}@[a-z0-9.-]*(?:neon\.tech|amazonaws\.com|azure\.com|supabase\.co|render\.com|railway\.app|herokuapp\.com|mongodb\.net)/i,
  ],
];

// Env files hold real values by design; only the documented example may be tracked.
const ENV_FILE = /(?:^|\/)\.env(?:\.[\w-]+)?$/;
const ALLOWED_ENV_FILES = /(?:^|\/)\.env\.example$/;
const ALLOW_MARK = 'secret-scan: allow';
const MAX_BYTES = 2 * 1024 * 1024;
const SKIP = /(?:^|\/)(?:package-lock\.json|uv\.lock)$/;

/** Hits in one file's text. */
export function scanText(file: string, text: string): Hit[] {
  const hits: Hit[] = [];
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    if (content.includes(ALLOW_MARK)) return;
    for (const [rule, pattern] of RULES) {
      if (pattern.test(content)) hits.push({ file, line: index + 1, rule });
    }
  });
  return hits;
}

/** Hits in every file git tracks under `root`. */
export function scanRepository(root: string): Hit[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const hits: Hit[] = [];
  for (const file of files) {
    if (ENV_FILE.test(file) && !ALLOWED_ENV_FILES.test(file)) {
      hits.push({ file, line: 0, rule: 'tracked env file (only .env.example belongs in git)' });
      continue;
    }
    if (SKIP.test(file)) continue;
    const full = path.join(root, file);
    let size;
    try {
      size = statSync(full).size;
    } catch {
      continue; // deleted in the work tree
    }
    if (size > MAX_BYTES) continue;
    const buffer = readFileSync(full);
    if (buffer.includes(0)) continue; // binary
    hits.push(...scanText(file, buffer.toString('utf8')));
  }
  return hits;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  const hits = scanRepository(root);
  for (const hit of hits) console.error(`${hit.file}:${hit.line}: ${hit.rule}`);
  console.log(hits.length ? `secret-scan: ${hits.length} possible credential(s)` : 'secret-scan: clean');
  process.exit(hits.length ? 1 : 0);
}
