import { describe, expect, it } from 'vitest';
import { insertCanned, matchCanned, slashQuery } from './canned.js';

const all = [
  { id: '1', shortcut: 'thanks', title: 'Thank you', body: 'Thank you for writing!' },
  { id: '2', shortcut: 'refund', title: 'Refund policy', body: 'Refunds take 3 days.' },
  { id: '3', shortcut: 'hours', title: 'Opening hours (thanks)', body: '9 to 5.' },
];

describe('canned responses in the reply box', () => {
  it('notices a /shortcut at the start or after a space, up to the caret', () => {
    expect(slashQuery('/th', 3)).toEqual({ start: 0, query: 'th' });
    expect(slashQuery('Hi /Re', 6)).toEqual({ start: 3, query: 're' });
    expect(slashQuery('/', 1)).toEqual({ start: 0, query: '' });
    expect(slashQuery('see a/b', 7)).toBeUndefined();
    expect(slashQuery('/th done', 8)).toBeUndefined();
  });
  it('matches by shortcut prefix first, then by shortcut or title', () => {
    expect(matchCanned(all, 'ref').map((c) => c.shortcut)).toEqual(['refund']);
    expect(matchCanned(all, 'than').map((c) => c.shortcut)).toEqual(['thanks', 'hours']);
    expect(matchCanned(all, '').map((c) => c.shortcut)).toEqual(['thanks', 'refund', 'hours']);
  });
  it('replaces the /query with the body', () => {
    expect(insertCanned('Hi /ref and', 3, 7, 'Refunds take 3 days.')).toEqual({ text: 'Hi Refunds take 3 days. and', caret: 23 });
  });
});
