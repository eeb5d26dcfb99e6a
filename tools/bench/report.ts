// Writes one benchmark's section of docs/benchmarks.md, between its markers, leaving the
// rest of the page (and other benchmarks' sections) as they are.
//   npx tsx tools/bench/report.ts <name> "<heading>" < body.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const reportPath = path.resolve(__dirname, '../../docs/benchmarks.md');

/**
 * @param name    marker name, e.g. "api-bench"
 * @param heading section heading used when the section does not exist yet
 * @param body    markdown
 */
export function writeSection(name: string, heading: string, body: string, file = reportPath): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(file, text);
}

if (require.main === module) {
  const [name, heading] = process.argv.slice(2);
  if (!name || !heading) {
    console.error('usage: report.ts <name> "<heading>" < body.md');
    process.exit(2);
  }
  writeSection(name, heading, readFileSync(0, 'utf8'));
}
