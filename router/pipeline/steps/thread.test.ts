import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { conversationOf, createWorld, deliver, envelope, setDefaultGroup, addGroup, type World } from '../../../test/support/router-world.js';
import type { ThreadClaim } from '../pipeline.js';
import { dedupe } from './dedupe.js';
import { identify } from './identify.js';
import { thread } from './thread.js';

describe('thread step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'thread');
    await setDefaultGroup(world, await addGroup(world, 'Support'));
  });
  afterAll(() => handle?.drop());

  const resolve = (id: string) =>
    handle.db.updateTable('conversations').set({ status: 'resolved', resolved_at: new Date(), assignee_id: null }).where('id', '=', id).execute();

  it('continues an open conversation, reopens one resolved within the window, and starts the rest', async () => {
    await deliver(handle.db, envelope(world, { from: 'open', id: 'o-1' }), envelope(world, { from: 'back', id: 'b-1' }));
    const open = await conversationOf(handle.db, world, 'open');
    const back = await conversationOf(handle.db, world, 'back');
    await resolve(back.id);
    const batch = await runSteps(
      handle.db,
      [dedupe, identify, thread],
      [
        envelope(world, { from: 'open', id: 'o-2' }),
        envelope(world, { from: 'back', id: 'b-2' }),
        envelope(world, { from: 'fresh', id: 'f-1' }),
        envelope(world, { from: 'fresh', id: 'f-2' }),
      ],
    );
    expect(batch.threaded.map((t) => t.outcome)).toEqual(['existing', 'reopened', 'created', 'existing']);
    expect(batch.threaded[0]!.conversation.id).toBe(open.id);
    expect(batch.threaded[1]!.conversation.id).toBe(back.id);
    expect(batch.threaded[3]!.conversation.id).toBe(batch.threaded[2]!.conversation.id);
    // Only what was opened or reopened goes on to routing, each once.
    expect([...batch.toRoute.keys()]).toEqual([back.id, batch.threaded[2]!.conversation.id]);
  });

  it('lets a thread claim place a message in a resolved conversation, which stays resolved', async () => {
    await deliver(handle.db, envelope(world, { from: 'rater', id: 'r-1' }));
    const rated = await conversationOf(handle.db, world, 'rater');
    await resolve(rated.id);
    const claim: ThreadClaim = {
      name: 'test-claim',
      mayClaim: (e) => e.message.parts[0]?.type === 'text' && e.message.parts[0].text === '5',
      claim: (trx, _e, contactId) => trx.selectFrom('conversations').selectAll().where('contact_id', '=', contactId).forUpdate().executeTakeFirst(),
    };
    const batch = await runSteps(handle.db, [dedupe, identify, thread], [envelope(world, { from: 'rater', id: 'r-2', text: '5' })], { claims: [claim] });
    expect(batch.threaded).toMatchObject([{ outcome: 'claimed', claimedBy: 'test-claim', conversation: { id: rated.id, status: 'resolved' } }]);
    expect(batch.toRoute.size).toBe(0);
  });
});
