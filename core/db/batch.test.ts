import { describe, expect, it } from 'vitest';
import { batched } from './batch.js';

describe('batched', () => {
  it('writes the calls of one turn together, in chunks, and settles each caller with its own write', async () => {
    const writes: number[][] = [];
    const add = batched<number>(async (items) => {
      writes.push(items);
      if (items.includes(13)) throw new Error('thirteen');
    }, 4);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => add(i + 8)));
    expect(writes).toEqual([
      [8, 9, 10, 11],
      [12, 13, 14, 15],
      [16, 17],
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    await add(1);
    expect(writes.at(-1)).toEqual([1]);
  });
});
