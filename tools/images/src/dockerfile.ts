// Reads what the docker-build target needs to know from a Dockerfile, so a project's
// differences (its base images, lock files, other projects it copies) live in the one file
// that causes them instead of a per-project copy of the target.

/** One instruction, continuation lines joined: `COPY a b` → { keyword: 'COPY', args: ['a','b'] }. */
export interface Instruction {
  keyword: string;
  args: string[];
}

export function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const result: Instruction[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [keyword = '', ...args] = line.split(/\s+/);
    result.push({ keyword: keyword.toUpperCase(), args });
  }
  return result;
}

/** Build arguments declared before the first FROM whose name ends in _IMAGE: the base
 * images, overridable from the environment as TODO_<ARG> (e.g. PYTHON_IMAGE → TODO_PYTHON_IMAGE). */
export function baseImageArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const { keyword, args: [declaration = ''] } of instructions(text)) {
    if (keyword === 'FROM') break;
    const name = keyword === 'ARG' ? declaration.split('=')[0] : undefined;
    if (name && /^[A-Z0-9_]+_IMAGE$/.test(name)) args[name] = `TODO_${name}`;
  }
  return args;
}

/** What COPY and ADD take from the build context (not from another stage): every source,
 * without its trailing slash. */
export function copiedPaths(text: string): string[] {
  const paths: string[] = [];
  for (const { keyword, args } of instructions(text)) {
    if (keyword !== 'COPY' && keyword !== 'ADD') continue;
    if (args.some((arg) => arg.startsWith('--from='))) continue;
    const operands = args.filter((arg) => !arg.startsWith('--'));
    for (const source of operands.slice(0, -1)) paths.push(source.replace(/^\.\//, '').replace(/\/$/, ''));
  }
  return paths;
}
