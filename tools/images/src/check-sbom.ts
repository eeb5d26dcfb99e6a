// images:check-sbom: proves on the built images that each SBOM lists what its image really
// contains, with checks that do not trust the SBOM code alone:
//   - the report's id is the tagged image, which carries org.todo.sbom.digest = sha256 of the
//     SBOM file (and the report says the same);
//   - read from the image once more, the SBOM comes out byte for byte the same (deterministic);
//   - api: fastapi's version is uv.lock's, and the PyPI components are exactly what the image's
//     own Python finds with importlib.metadata;
//   - web: next's version is package-lock.json's and what the image's own Node resolves, and
//     the npm components are exactly the package.json files the image's Node finds;
//   - every shared library under /usr/lib in the image is credited to a Debian package with a
//     version; libc6 in both, libssl3 in api; libpq5 whenever a libpq.so is there.
// Writes reports/tools/images/check-sbom/junit.xml; exits 1 when any check fails.
//
//   npm run nx -- run images:check-sbom
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Docker } from '@todo/kube';
import { readImageFiles } from './image-reader';
import { type ImageReport, readImageReport } from './report';
import { type CycloneDxDocument, SBOM_DIGEST_LABEL, componentsOf, cycloneDxDocument, normalisePythonName, sbomDigest, serialiseSbom } from './sbom';

const root = path.resolve(__dirname, '../../..');
const REPORT_DIR = path.join(root, 'reports/tools/images/check-sbom');
const docker = new Docker();

interface Result {
  app: string;
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}
const results: Result[] = [];

async function check(app: string, name: string, fn: () => Promise<[boolean, string]> | [boolean, string]): Promise<void> {
  const started = performance.now();
  let ok = false;
  let detail: string;
  try {
    [ok, detail] = await fn();
  } catch (error) {
    detail = error instanceof Error ? error.message : String(error);
  }
  results.push({ app, name, ok, detail, ms: performance.now() - started });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${app}: ${name}${detail ? ` (${detail})` : ''}`);
}

/** Set difference both ways, for a readable failure. */
function sameSet(label: string, sbom: string[], image: string[]): [boolean, string] {
  const a = new Set(sbom);
  const b = new Set(image);
  const onlySbom = [...a].filter((x) => !b.has(x));
  const onlyImage = [...b].filter((x) => !a.has(x));
  if (!onlySbom.length && !onlyImage.length) return [true, `${a.size} ${label}, the same in both`];
  return [false, `only in the SBOM: ${onlySbom.join(', ') || 'none'}; only in the image: ${onlyImage.join(', ') || 'none'}`];
}

/** Runs the image's own interpreter (no shell in it), without network. */
async function inImage(ref: string, command: string[]): Promise<string> {
  return (await docker.run(['run', '--rm', '--network', 'none', '--entrypoint', command[0]!, ref, ...command.slice(1)])).stdout;
}

const PYTHON_DISTRIBUTIONS = `import importlib.metadata as m, json
print(json.dumps(sorted({d.metadata["Name"] + "@" + d.version for d in m.distributions()})))`;

const NODE_PACKAGES = `const fs = require('fs'), p = require('path'); const out = new Set();
const dirs = (d) => { try { return fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()); } catch { return []; } };
const one = (dir) => { try { const j = JSON.parse(fs.readFileSync(p.join(dir, 'package.json'), 'utf8')); if (j.name && j.version) out.add(j.name + '@' + j.version); } catch {} walk(dir); };
const modules = (nm) => { for (const e of dirs(nm)) { if (e.name.startsWith('.')) continue; const f = p.join(nm, e.name); if (e.name.startsWith('@')) dirs(f).forEach((s) => one(p.join(f, s.name))); else one(f); } };
const walk = (d) => { for (const e of dirs(d)) (e.name === 'node_modules' ? modules : walk)(p.join(d, e.name)); };
walk('/app'); console.log(JSON.stringify([...out].sort()));`;

function uvLockVersion(name: string): string | undefined {
  const lock = readFileSync(path.join(root, 'uv.lock'), 'utf8');
  return new RegExp(`\\[\\[package\\]\\]\\s*\\nname = "${name}"\\s*\\nversion = "([^"]+)"`).exec(lock)?.[1];
}

function npmLockVersion(name: string): string | undefined {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return lock.packages[`node_modules/${name}`]?.version;
}

async function checkImage(app: 'api' | 'web'): Promise<void> {
  const report: ImageReport = readImageReport(root, app);
  const text = readFileSync(path.join(root, report.sbom), 'utf8');
  const doc = JSON.parse(text) as CycloneDxDocument;
  const version = (ecosystem: 'pypi' | 'npm' | 'deb', name: string) => componentsOf(doc, ecosystem).find((c) => c.name === name)?.version;

  await check(app, 'the report names the tagged image', async () => {
    const ids = await Promise.all([report.ref, report.movingTag].map((ref) => docker.inspect(ref, '{{.Id}}')));
    return [ids.every((id) => id === report.id), `${report.ref} ${ids[0]}, ${report.movingTag} ${ids[1]}, report ${report.id}`];
  });
  await check(app, `its ${SBOM_DIGEST_LABEL} label is the sha256 of ${report.sbom}`, async () => {
    const labels = JSON.parse(await docker.inspect(report.id, '{{json .Config.Labels}}')) as Record<string, string>;
    const label = labels[SBOM_DIGEST_LABEL];
    const file = sbomDigest(readFileSync(path.join(root, report.sbom)));
    return [label === file && report.sbomDigest === file, `label ${label}, file ${file}, report ${report.sbomDigest}`];
  });
  await check(app, 'the SBOM is CycloneDX 1.5 JSON about this image, every component with a version', () => {
    const bad = doc.components.filter((c) => !c.version || (c.type === 'library' && !c.purl));
    const subject = doc.metadata?.component;
    const ok = doc.bomFormat === 'CycloneDX' && doc.specVersion === '1.5' && subject?.name === report.image && subject.version === report.tag && bad.length === 0;
    return [ok, `${doc.bomFormat} ${doc.specVersion}, ${subject?.name}:${subject?.version}, ${doc.components.length} components${bad.length ? `, without version or purl: ${bad.map((c) => c.name).join(', ')}` : ''}`];
  });

  const { files, contents } = await readImageFiles(docker, report.id);
  await check(app, 'read from the image again, the SBOM is byte for byte the same', () => {
    const again = serialiseSbom(cycloneDxDocument({ image: report.image, tag: report.tag }, contents.packages, contents.os));
    return [again === text, again === text ? sbomDigest(again) : `now ${sbomDigest(again)}, file ${sbomDigest(text)}`];
  });

  const debs = componentsOf(doc, 'deb');
  await check(app, 'every shared library under /usr/lib is credited to a Debian package', () => {
    const credited = new Set(debs.flatMap((c) => c.locations));
    const libraries = files.filter((f) => /^usr\/lib(64)?\/(x86_64-linux-gnu\/)?[^/]+\.so(\.[^/]*)?$/.test(f)).map((f) => `/${f}`);
    const missing = libraries.filter((f) => !credited.has(f));
    return [libraries.length > 0 && missing.length === 0, missing.length ? `not credited: ${missing.join(', ')}` : `${libraries.length} libraries, ${debs.length} packages`];
  });
  const libpqInImage = files.some((f) => /^usr\/lib\/x86_64-linux-gnu\/libpq\.so/.test(f));
  for (const name of ['libc6', ...(app === 'api' ? ['libssl3'] : []), ...(libpqInImage ? ['libpq5'] : [])]) {
    await check(app, `Debian ${name} is listed with its version`, () => [Boolean(version('deb', name)), `${name} ${version('deb', name)}`]);
  }

  if (app === 'api') {
    await check(app, "fastapi's version is uv.lock's", () => {
      const [sbom, lock] = [version('pypi', 'fastapi'), uvLockVersion('fastapi')];
      return [Boolean(sbom) && sbom === lock, `SBOM ${sbom}, uv.lock ${lock}`];
    });
    await check(app, "the PyPI components are what the image's Python finds (importlib.metadata)", async () => {
      const found = JSON.parse(await inImage(report.id, ['python', '-c', PYTHON_DISTRIBUTIONS])) as string[];
      const norm = (entry: string) => normalisePythonName(entry.slice(0, entry.lastIndexOf('@'))) + entry.slice(entry.lastIndexOf('@'));
      return sameSet('distributions', componentsOf(doc, 'pypi').map((c) => norm(`${c.name}@${c.version}`)), found.map(norm));
    });
  } else {
    await check(app, "next's version is package-lock.json's and the one the image's Node resolves", async () => {
      const resolved = (await inImage(report.id, ['node', '-p', "require('next/package.json').version"])).trim();
      const [sbom, lock] = [version('npm', 'next'), npmLockVersion('next')];
      return [Boolean(sbom) && sbom === lock && sbom === resolved, `SBOM ${sbom}, package-lock.json ${lock}, image ${resolved}`];
    });
    await check(app, "the npm components are the package.json files the image's Node finds", async () => {
      const found = JSON.parse(await inImage(report.id, ['node', '-e', NODE_PACKAGES])) as string[];
      return sameSet('packages', componentsOf(doc, 'npm').map((c) => `${c.name}@${c.version}`), found);
    });
  }
}

function junit(): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const failures = results.filter((r) => !r.ok).length;
  const cases = results.map((r) => {
    const body = r.ok ? `<system-out>${esc(r.detail)}</system-out>` : `<failure message="${esc(r.detail.split('\n')[0] ?? '')}">${esc(r.detail)}</failure>`;
    return `    <testcase classname="check-sbom.${r.app}" name="${esc(r.name)}" time="${(r.ms / 1000).toFixed(1)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="check-sbom" tests="${results.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

async function main(): Promise<boolean> {
  for (const app of ['api', 'web'] as const) {
    try {
      await checkImage(app);
    } catch (error) {
      // A missing report or SBOM file: one failed check rather than a stack trace.
      results.push({ app, name: 'the report and SBOM can be read', ok: false, detail: error instanceof Error ? error.message : String(error), ms: 0 });
      console.log(`FAIL ${app}: ${results.at(-1)!.detail}`);
    }
  }
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(path.join(REPORT_DIR, 'junit.xml'), junit());
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    console.error(`\ncheck-sbom: FAILED, ${failed.length} of ${results.length} checks:\n${failed.map((r) => `  ${r.app}: ${r.name}: ${r.detail}`).join('\n')}`);
    return false;
  }
  console.log(`\ncheck-sbom: the SBOMs list what the images contain (${results.length} checks passed)`);
  return true;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
