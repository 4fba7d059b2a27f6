import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../test/support/services.js';
import { addGroup, conversationOf, createWorld, envelope, setDefaultGroup, type World } from '../../test/support/router-world.js';
import { assign } from '../pipeline/steps/assign.js';
import { dedupe } from '../pipeline/steps/dedupe.js';
import { identify } from '../pipeline/steps/identify.js';
import { route } from '../pipeline/steps/route.js';
import { store } from '../pipeline/steps/store.js';
import { thread } from '../pipeline/steps/thread.js';
import { restartAutoResolve } from './auto-resolve-step.js';

describe('auto-resolve timers step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'auto-resolve-step');
    await setDefaultGroup(world, await addGroup(world, 'Support', { auto_resolve_after_seconds: 3600 }));
  });
  afterAll(() => handle?.drop());

  it('sets the inactivity timer of the group a conversation was routed to, and moves it with each message', async () => {
    const steps = [dedupe, identify, thread, store, route, assign, restartAutoResolve];
    await runSteps(handle.db, steps, [envelope(world, { from: 'ann', id: 'a-1' })], { commit: true });
    const conversation = await conversationOf(handle.db, world, 'ann');
    const job = () =>
      handle.db.selectFrom('jobs').select(['kind', 'run_at']).where('key', '=', `router.auto_resolve:${conversation.id}`).executeTakeFirstOrThrow();
    const first = await job();
    expect(first.kind).toBe('router.auto_resolve');
    expect(new Date(first.run_at).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    await new Promise((r) => setTimeout(r, 20));
    await runSteps(handle.db, steps, [envelope(world, { from: 'ann', id: 'a-2' })], { commit: true });
    expect(new Date((await job()).run_at).getTime()).toBeGreaterThan(new Date(first.run_at).getTime());
  });
});
