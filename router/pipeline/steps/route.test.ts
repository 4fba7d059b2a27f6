import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { addGroup, addRule, createWorld, envelope, setDefaultGroup, type World } from '../../../test/support/router-world.js';
import { dedupe } from './dedupe.js';
import { identify } from './identify.js';
import { route } from './route.js';
import { store } from './store.js';
import { thread } from './thread.js';

describe('route step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let support: string;
  let sales: string;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'route');
    support = await addGroup(world, 'Support');
    sales = await addGroup(world, 'Sales');
    await setDefaultGroup(world, support);
    await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales, priority: 7 });
  });
  afterAll(() => handle?.drop());

  it('decides group and priority by the rules, the default group when none matches, and places nothing itself', async () => {
    const batch = await runSteps(
      handle.db,
      [dedupe, identify, thread, store, route],
      [envelope(world, { from: 'buyer', text: 'I want to buy' }), envelope(world, { from: 'asker', text: 'a question' })],
    );
    const [buyer, asker] = batch.threaded.map((t) => batch.decisions.get(t.conversation.id)!);
    expect(buyer).toMatchObject({ conversation: { group_id: sales, priority: 7 }, reason: expect.stringMatching(/^rule:/), direct: false });
    expect(asker).toMatchObject({ conversation: { group_id: support, priority: 0 }, reason: 'default' });
    expect(batch.routed.size).toBe(0);
  });
});
