import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { createWorld, deliver, envelope, type World } from '../../../test/support/router-world.js';
import { dedupe } from './dedupe.js';

describe('dedupe step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let other: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'dedupe');
    other = await createWorld(handle.db, 'dedupe-other');
  });
  afterAll(() => handle?.drop());

  it('skips a replay of a stored message and a message twice in the batch, and refuses another company’s channel', async () => {
    await deliver(handle.db, envelope(world, { from: 'ann', id: 'stored' }));
    const foreign = { ...envelope(world, { from: 'bob', id: 'x' }), channelId: other.channelId };
    const batch = await runSteps(
      handle.db,
      [dedupe],
      [envelope(world, { from: 'ann', id: 'stored' }), envelope(world, { from: 'ann', id: 'new' }), envelope(world, { from: 'ann', id: 'new' }), foreign],
    );
    expect(batch.accepted.map((a) => [a.index, a.envelope.message.externalId])).toEqual([[1, 'new']]);
    expect(batch.outcome.duplicates).toBe(2);
    expect([...batch.outcome.rejected.keys()]).toEqual([3]);
    expect(batch.outcome.rejected.get(3)?.message).toBe('unknown channel for this tenant');
  });
});
