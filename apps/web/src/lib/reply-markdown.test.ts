import { type Block, type Inline, parseInline, parseReply, replyAsSpeech } from './reply-markdown';

const text = (t: string): Inline => ({ kind: 'text', text: t });
/** Every character a block shows, to check nothing is lost or invented. */
const plain = (nodes: Inline[]): string =>
  nodes.map((n) => (n.kind === 'text' || n.kind === 'code' ? n.text : n.kind === 'break' ? '\n' : plain(n.children))).join('');

describe('parseReply', () => {
  it('turns the offline assistant’s checklist into a task list with numbers', () => {
    expect(parseReply('You have 2 tasks (1 pending, 1 done):\n- [ ] Water the plants (#111)\n- [x] Buy milk (#4)')).toEqual<Block[]>([
      { kind: 'paragraph', content: [text('You have 2 tasks (1 pending, 1 done):')] },
      {
        kind: 'list',
        ordered: false,
        start: 1,
        items: [
          { content: [text('Water the plants')], done: false, taskNumber: 111 },
          { content: [text('Buy milk')], done: true, taskNumber: 4 },
        ],
      },
    ]);
  });

  it('takes only the last "(#n)" as the number: a title may contain one', () => {
    const [list] = parseReply('- [ ] Ask Sam about (#1) (#7)\n- [X] (#3)');
    expect(list).toMatchObject({ items: [{ content: [text('Ask Sam about (#1)')], taskNumber: 7 }, { content: [text('(#3)')], done: true }] });
    expect((list as Extract<Block, { kind: 'list' }>).items[1]!.taskNumber).toBeUndefined();
  });

  it('keeps a line after a list out of it, and sentences’ "(task 4)" as they are', () => {
    const blocks = parseReply('- [ ] A (#1)\n…and 3 more.\n\nAdded "Buy milk" (task 4).');
    expect(blocks.map((b) => b.kind)).toEqual(['list', 'paragraph', 'paragraph']);
    expect(blocks[2]).toEqual({ kind: 'paragraph', content: [text('Added "Buy milk" (task 4).')] });
  });

  it('reads bullet, ordered and indented continuation lines; a new kind starts a new list', () => {
    const blocks = parseReply('* one\n+ two\n  more of two\n1. first\n2) second\n\n7. seventh');
    expect(blocks).toEqual<Block[]>([
      { kind: 'list', ordered: false, start: 1, items: [{ content: [text('one')] }, { content: [text('two'), { kind: 'break' }, text('more of two')] }] },
      { kind: 'list', ordered: true, start: 1, items: [{ content: [text('first')] }, { content: [text('second')] }] },
      { kind: 'list', ordered: true, start: 7, items: [{ content: [text('seventh')] }] },
    ]);
  });

  it('flattens nested items into the list rather than losing them', () => {
    const [list] = parseReply('- a\n  - b\n    - c');
    expect((list as Extract<Block, { kind: 'list' }>).items.map((i) => plain(i.content))).toEqual(['a', 'b', 'c']);
  });

  it('keeps line breaks inside a paragraph and reads CRLF and CR like LF', () => {
    expect(parseReply('one\r\ntwo\rthree\n\n\nfour')).toEqual<Block[]>([
      { kind: 'paragraph', content: [text('one'), { kind: 'break' }, text('two'), { kind: 'break' }, text('three')] },
      { kind: 'paragraph', content: [text('four')] },
    ]);
  });

  it('shows headings as bold paragraphs and fenced code verbatim, even unclosed', () => {
    expect(parseReply('## Today\n```\n<b>x</b> **not bold**\n```\n~~~\nopen')).toEqual<Block[]>([
      { kind: 'paragraph', content: [{ kind: 'strong', children: [text('Today')] }] },
      { kind: 'code', text: '<b>x</b> **not bold**' },
      { kind: 'code', text: 'open' },
    ]);
  });

  it('parses empty and blank input to nothing', () => {
    expect(parseReply('')).toEqual([]);
    expect(parseReply(' \n\t\n')).toEqual([]);
  });
});

describe('parseInline', () => {
  it('reads strong, emphasis and code, nested', () => {
    expect(parseInline('a **b *c* d** `d*e*` _f_')).toEqual<Inline[]>([
      text('a '),
      { kind: 'strong', children: [text('b '), { kind: 'em', children: [text('c')] }, text(' d')] },
      text(' '),
      { kind: 'code', text: 'd*e*' },
      text(' '),
      { kind: 'em', children: [text('f')] },
    ]);
  });

  it('leaves unmatched, spaced and intraword delimiters as text', () => {
    for (const s of ['2 * 3 * 4', 'snake_case_name', '**open', 'a ** b', '`open', '_ x _', '***']) {
      expect(plain(parseInline(s))).toBe(s);
      expect(parseInline(s).every((n) => n.kind === 'text')).toBe(true);
    }
  });

  it('never makes a link: label and address as text, whatever the scheme', () => {
    expect(plain(parseInline('[x](javascript:alert(1))'))).toBe('[x](javascript:alert(1))');
    expect(parseInline('see [docs](https://example.com/a)')).toEqual([text('see docs (https://example.com/a)')]);
    expect(parseInline('[click](javascript:void)')).toEqual([text('click (javascript:void)')]);
    expect(parseInline('[a](b) <a href="javascript:alert(1)">c</a>')).toEqual([text('a (b) <a href="javascript:alert(1)">c</a>')]);
  });

  it('keeps HTML as literal text', () => {
    const attack = '<img src=x onerror=alert(1)><script>alert(1)</script>';
    expect(parseInline(attack)).toEqual([text(attack)]);
    expect(parseReply(`- [ ] ${attack} (#5)`)[0]).toMatchObject({ items: [{ content: [text(attack)], taskNumber: 5 }] });
  });

  // Inputs that make a backtracking pattern quadratic or worse; a regression would show as a
  // test that runs for minutes (Jest's timeout), not as a figure compared with a clock.
  it('loses nothing on very long or pathological input', () => {
    for (const s of ['*'.repeat(50_000), '_a'.repeat(25_000), '**a '.repeat(12_000), `a${'`'.repeat(40_000)}`, '[a]('.repeat(10_000), `x${'#  #'.repeat(10_000)}`]) {
      const blocks = parseReply(s);
      expect(blocks.map((b) => (b.kind === 'paragraph' ? plain(b.content) : '')).join('')).toHaveLength(s.trim().length);
    }
    expect(parseReply(`# ${' #'.repeat(20_000)}x`)[0]!.kind).toBe('paragraph'); // a heading, read in linear time
    const spaces = `- x${' '.repeat(100_000)}y`; // spaces with no "(#4)" after them: no task number
    expect(parseReply(spaces)[0]).toMatchObject({ kind: 'list', items: [{ content: [text(`x${' '.repeat(100_000)}y`)] }] });
    expect((parseReply(`- x${' '.repeat(100_000)}(#4)`)[0] as Extract<Block, { kind: 'list' }>).items[0]!.taskNumber).toBe(4);
    const long = Array.from({ length: 5000 }, (_, i) => `- [ ] Task ${i} (#${i + 1})`).join('\n');
    expect((parseReply(long)[0] as Extract<Block, { kind: 'list' }>).items).toHaveLength(5000);
  });

  it('survives deep alternating nesting', () => {
    const deep = `${'*_'.repeat(2000)}x${'_*'.repeat(2000)}`;
    expect(plain(parseInline(deep))).toContain('x');
  });
});

describe('replyAsSpeech', () => {
  it('says a checklist in words', () => {
    expect(replyAsSpeech('You have 1 pending task:\n- [ ] Water the plants (#111)')).toBe(
      'You have 1 pending task: Water the plants (task 111, not done)',
    );
    expect(replyAsSpeech('**Done**:\n1. a\n2. b')).toBe('Done: a; b');
  });
});
