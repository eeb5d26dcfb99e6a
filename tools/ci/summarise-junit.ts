// Adds up the JUnit reports the test targets wrote under reports/ and prints one closing
// line, "N passed, N failed, N skipped". Exits 1 when a test failed or when none ran: a test
// command that finds no tests is a failure.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = process.argv[2] ?? 'reports';

function junitFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return junitFiles(full);
    return name.endsWith('.xml') && name.includes('junit') ? [full] : [];
  });
}

let tests = 0;
let failed = 0;
let skipped = 0;
for (const file of junitFiles(root)) {
  const xml = readFileSync(file, 'utf8');
  // Count test cases directly: suite-level attributes differ between reporters.
  const cases = xml.match(/<testcase\b[^>]*?(?:\/>|>[\s\S]*?<\/testcase>)/g) ?? [];
  for (const c of cases) {
    tests += 1;
    if (/<(failure|error)\b/.test(c)) failed += 1;
    else if (/<skipped\b/.test(c)) skipped += 1;
  }
  console.log(`${file}: ${cases.length} test cases`);
}
const passed = tests - failed - skipped;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (tests === 0) console.error('no tests ran');
process.exit(failed > 0 || tests === 0 ? 1 : 0);
