import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { addAgent, addGroup, createWorld, envelope, outboxKinds, setDefaultGroup, type World } from '../../../test/support/router-world.js';
import { assign } from './assign.js';
import { dedupe } from './dedupe.js';
import { identify } from './identify.js';
import { route } from './route.js';
import { store } from './store.js';
import { thread } from './thread.js';

describe('assign step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let li: string;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'assign');
    const support = await addGroup(world, 'Support');
    await setDefaultGroup(world, support);
    li = await addAgent(world, 'Li', { groups: [support], capacity: { chat: 1, email: 0, voice: 0 } });
  });
  afterAll(() => handle?.drop());

  it('gives a routed conversation to an agent with room and puts the next in line', async () => {
    const batch = await runSteps(
      handle.db,
      [dedupe, identify, thread, store, route, assign],
      [envelope(world, { from: 'first' }), envelope(world, { from: 'second' })],
      { commit: true },
    );
    const [first, second] = batch.threaded.map((t) => batch.routed.get(t.conversation.id)!);
    expect(first).toMatchObject({ status: 'assigned', assignee_id: li });
    expect(second).toMatchObject({ status: 'queued', assignee_id: null });
    expect(await outboxKinds(handle.db, world)).toEqual(expect.arrayContaining(['conversation.assigned', 'conversation.queued']));
  });
});
