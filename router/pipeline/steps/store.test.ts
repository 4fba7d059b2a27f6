import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { createWorld, deliver, envelope, outboxKinds, type World } from '../../../test/support/router-world.js';
import { dedupe } from './dedupe.js';
import { identify } from './identify.js';
import { store } from './store.js';
import { thread } from './thread.js';

describe('store step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'store');
  });
  afterAll(() => handle?.drop());

  it('stores the messages in arrival order with their events and moves the conversation’s last-message time', async () => {
    await deliver(handle.db, envelope(world, { from: 'ann', id: 'a-1' }));
    const before = await handle.db.selectFrom('conversations').select(['id', 'last_message_at']).executeTakeFirstOrThrow();
    await new Promise((r) => setTimeout(r, 20));
    const batch = await runSteps(
      handle.db,
      [dedupe, identify, thread, store],
      [envelope(world, { from: 'ann', id: 'a-2', text: 'two' }), envelope(world, { from: 'ann', id: 'a-3', text: 'three' })],
      { commit: true },
    );
    expect(batch.outcome).toMatchObject({ stored: 2, duplicates: 0 });
    const rows = await handle.db.selectFrom('messages').select(['external_id', 'conversation_id', 'content']).orderBy('id').execute();
    expect(rows.map((r) => r.external_id)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(new Set(rows.map((r) => r.conversation_id))).toEqual(new Set([before.id]));
    const after = await handle.db.selectFrom('conversations').select('last_message_at').where('id', '=', before.id).executeTakeFirstOrThrow();
    expect(new Date(after.last_message_at!).getTime()).toBeGreaterThan(new Date(before.last_message_at!).getTime());
    expect((await outboxKinds(handle.db, world)).filter((k) => k === 'message.created')).toHaveLength(3);
  });
});
