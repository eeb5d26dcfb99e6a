import { DESCRIPTION_MAX, TITLE_MAX } from '@todo/api-client';
import { draftToBody, validateDraft } from './validation';

describe('validateDraft mirrors the API limits', () => {
  it('needs a title that is not only spaces', () => {
    expect(validateDraft({ title: '   ', description: '' }).title).toMatch(/title/);
  });

  it('allows exactly the limits, after trimming', () => {
    expect(validateDraft({ title: ` ${'x'.repeat(TITLE_MAX)} `, description: 'd'.repeat(DESCRIPTION_MAX) })).toEqual({});
  });

  it('refuses one character more', () => {
    const errors = validateDraft({ title: 'x'.repeat(TITLE_MAX + 1), description: 'd'.repeat(DESCRIPTION_MAX + 1) });
    expect(errors.title).toMatch(String(TITLE_MAX));
    expect(errors.description).toMatch(String(DESCRIPTION_MAX));
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validateDraft({ title: '😀'.repeat(TITLE_MAX), description: '' })).toEqual({});
  });
});

describe('draftToBody', () => {
  it('trims, and sends an empty description as null', () => {
    expect(draftToBody({ title: ' a ', description: '  ' })).toEqual({ title: 'a', description: null });
  });
});
