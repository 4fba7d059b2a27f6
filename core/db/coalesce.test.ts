import { describe, expect, it } from 'vitest';
import { coalescedLookup } from './coalesce.js';

describe('coalescedLookup', () => {
  it('answers the calls of one turn with one load, each caller its own keys', async () => {
    const loads: string[][] = [];
    const lookup = coalescedLookup(async (keys: string[]) => {
      loads.push([...keys].sort());
      return new Map(keys.filter((k) => k !== 'unknown').map((k) => [k, k.toUpperCase()]));
    });
    const [a, b, c] = await Promise.all([lookup(['a', 'b']), lookup(['b', 'c', 'unknown']), lookup([])]);
    expect(loads).toEqual([['a', 'b', 'c', 'unknown']]);
    expect([...a]).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    expect([...b]).toEqual([
      ['b', 'B'],
      ['c', 'C'],
    ]);
    expect(c.size).toBe(0);
    // A later turn loads again.
    await lookup(['d']);
    expect(loads).toHaveLength(2);
  });

  it('fails every caller of a round whose load fails, and the next round loads afresh', async () => {
    let fail = true;
    const lookup = coalescedLookup(async (keys: string[]) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((k) => [k, 1]));
    });
    const results = await Promise.allSettled([lookup(['a']), lookup(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect([...(await lookup(['a']))]).toEqual([['a', 1]]);
  });
});
