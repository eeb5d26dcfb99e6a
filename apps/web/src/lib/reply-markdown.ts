// The assistant's replies as blocks to render with React elements: the offline assistant's
// task lines ("- [ ] Buy milk (#4)") and the small Markdown an LLM writes. Pure and total:
// any text parses, nothing in it is ever treated as HTML, and no link becomes an anchor.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'break' };

export interface ListItem {
  content: Inline[];
  /** A task-list item ("- [ ]" / "- [x]"): whether it is done. */
  done?: boolean;
  /** A trailing "(#4)": the task's number, as the task list shows it. */
  taskNumber?: number;
}

export type Block =
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: ListItem[] }
  | { kind: 'code'; text: string };

const BULLET = /^ {0,8}[-*+][ \t]+(.*)$/;
const ORDERED = /^ {0,8}(\d{1,9})[.)][ \t]+(.*)$/;
const TASK = /^\[([ xX])\][ \t]+(.*)$/;
// Starts at "(#", not at the spaces before it: spaces without a number after them would
// make an unanchored match backtrack over every start (quadratic in the line's length).
const TASK_NUMBER = /\(#(\d{1,9})\)[ \t]*$/;
const HEADING = /^ {0,3}#{1,6}[ \t]+(.*)$/;
const FENCE = /^ {0,3}(```|~~~)/;
// Inline nesting deeper than this stays literal text (and the recursion stays shallow).
const MAX_DEPTH = 4;

export function parseReply(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; start: number; items: string[][] } | null = null;

  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', content: joinLines(paragraph) });
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, start: list.start, items: list.items.map(toItem) });
    paragraph = [];
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? null : ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = Boolean(ordered);
      if (paragraph.length || (list && list.ordered !== isOrdered)) flush();
      list ??= { ordered: isOrdered, start: ordered ? Number(ordered[1]) : 1, items: [] };
      list.items.push([(bullet ?? ordered)![bullet ? 1 : 2]!]);
      continue;
    }
    // An indented line goes on with the list item above; anything else ends the list.
    if (list && /^[ \t]{2,}/.test(line)) {
      list.items[list.items.length - 1]!.push(line.trim());
      continue;
    }
    const heading = HEADING.exec(line);
    if (list || heading) flush();
    if (heading) {
      blocks.push({ kind: 'paragraph', content: [{ kind: 'strong', children: parseInline(heading[1]!.trim()) }] });
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return blocks;
}

function toItem(lines: string[]): ListItem {
  const item: ListItem = { content: [] };
  let first = lines[0]!;
  const task = TASK.exec(first);
  if (task) {
    item.done = task[1] !== ' ';
    first = task[2]!;
  }
  const rest = lines.slice(1);
  // The number ends the item's last line (a title may itself contain "(#1)": only the last counts).
  const all = [first, ...rest];
  const last = all.length - 1;
  const number = TASK_NUMBER.exec(all[last]!);
  const before = number ? all[last]!.slice(0, number.index).trimEnd() : '';
  if (number && before) {
    item.taskNumber = Number(number[1]);
    all[last] = before;
  }
  item.content = joinLines(all);
  return item;
}

function joinLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((line, index) => {
    if (index > 0) out.push({ kind: 'break' });
    out.push(...parseInline(line.trim()));
  });
  return out;
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Inline Markdown: `code`, **strong** / __strong__, *em* / _em_, and [label](url) as "label (url)". */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const push = (node: Inline) => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
    out.push(node);
  };
  // Delimiters with no closer after some point: later openers are plain text (keeps it linear).
  const exhausted = new Map<string, number>();
  const find = (delimiter: string, from: number) => {
    if ((exhausted.get(delimiter) ?? Infinity) <= from) return -1;
    const at = text.indexOf(delimiter, from);
    if (at < 0) exhausted.set(delimiter, from);
    return at;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i, i + 16))![0];
      const end = find(run, i + run.length);
      if (end > i + run.length) {
        push({ kind: 'code', text: text.slice(i + run.length, end).replace(/^ (.*) $/, '$1') });
        i = end + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      const double = text[i + 1] === c;
      const delimiter = double ? c + c : c;
      const start = i + delimiter.length;
      const end = find(delimiter, start);
      const inner = end > start ? text.slice(start, end) : '';
      // Flanking rules: no space inside the delimiters; "_" never inside a word (snake_case).
      const flanked = inner && !isSpace(inner[0]) && !isSpace(inner[inner.length - 1]);
      const wordSafe = c === '*' || (!isWord(text[i - 1]) && !isWord(text[end + delimiter.length]));
      if (flanked && wordSafe) {
        push({ kind: double ? 'strong' : 'em', children: parseInline(inner, depth + 1) });
        i = end + delimiter.length;
        continue;
      }
      plain += delimiter;
      i = start;
      continue;
    }
    if (c === '[') {
      const link = /^\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/.exec(text.slice(i, i + 2600));
      if (link) {
        // Never an anchor: the label, then the address as plain text.
        plain += link[1] === link[2] ? link[1] : `${link[1]} (${link[2]})`;
        i += link[0].length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  if (plain) out.push({ kind: 'text', text: plain });
  return out;
}

/** A reply as one line of plain text for the screen reader's announcement. */
export function replyAsSpeech(text: string): string {
  const inline = (nodes: Inline[]): string =>
    nodes.map((n) => (n.kind === 'text' || n.kind === 'code' ? n.text : n.kind === 'break' ? ' ' : inline(n.children))).join('');
  return parseReply(text)
    .map((block) => {
      if (block.kind === 'code') return block.text;
      if (block.kind === 'paragraph') return inline(block.content);
      return block.items
        .map((item) => {
          const facts = [item.taskNumber !== undefined && `task ${item.taskNumber}`, item.done !== undefined && (item.done ? 'done' : 'not done')];
          const said = facts.filter(Boolean).join(', ');
          return `${inline(item.content)}${said ? ` (${said})` : ''}`;
        })
        .join('; ');
    })
    .join(' ');
}
