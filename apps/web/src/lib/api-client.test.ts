// The generated client library's hand-written parts, as the web uses them.
import { apiErrorFrom, collectPages } from '@todo/api-client';

describe('collectPages', () => {
  it('asks page after page until one comes back short', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => i);
    const asked: number[] = [];
    const all = await collectPages(async (offset, limit) => {
      asked.push(offset);
      return rows.slice(offset, offset + limit);
    }, 3);
    expect(all).toEqual(rows);
    expect(asked).toEqual([0, 3, 6]);
  });

  it('stops after an exactly full last page with one empty ask', async () => {
    const asked: number[] = [];
    await collectPages(async (offset) => (asked.push(offset), offset < 4 ? [1, 2] : []), 2);
    expect(asked).toEqual([0, 2, 4]);
  });
});

describe('apiErrorFrom', () => {
  it('keeps the API’s 422 list and names the fields', () => {
    const error = apiErrorFrom(422, { detail: [{ loc: ['body', 'title'], msg: 'too long', type: 'x' }] });
    expect(error.detail).toBe('title: too long');
    expect(error.fieldMessage('title')).toBe('too long');
    expect(error.fieldMessage('description')).toBeUndefined();
  });

  it('takes a plain detail, or says what happened without one', () => {
    expect(apiErrorFrom(404, { detail: 'task 4 not found' }).detail).toBe('task 4 not found');
    expect(apiErrorFrom(500, null).detail).toBe('request failed with status 500');
  });
});
