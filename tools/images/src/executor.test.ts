import { publicRepositoryUrl } from './executor';

test('the source label is a public https URL, credentials stripped; a local path gives none', () => {
  expect(publicRepositoryUrl('git@github.com:me/todo.git')).toBe('https://github.com/me/todo');
  expect(publicRepositoryUrl('https://user:token@github.com/me/todo.git')).toBe('https://github.com/me/todo');
  expect(publicRepositoryUrl('/work/main')).toBeNull();
});
