import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../../test/support/services.js';
import { createWorld, deliver, envelope, type World } from '../../../test/support/router-world.js';
import { dedupe } from './dedupe.js';
import { adoptNames, identify } from './identify.js';

describe('identify step', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'identify');
  });
  afterAll(() => handle?.drop());

  it('finds a known customer by channel identity and makes one contact for a new sender’s messages', async () => {
    await deliver(handle.db, envelope(world, { from: 'known', id: 'k-1', name: 'Known Person' }));
    const batch = await runSteps(
      handle.db,
      [dedupe, identify],
      [
        envelope(world, { from: 'known', id: 'k-2' }),
        envelope(world, { from: 'new', id: 'n-1', name: 'New Person' }),
        envelope(world, { from: 'new', id: 'n-2' }),
      ],
    );
    const [known, first, second] = batch.accepted.map((a) => batch.contactOf(a.envelope));
    expect(known!.name).toBe('Known Person');
    expect(batch.newContacts.has(known!.id)).toBe(false);
    expect(first!.id).toBe(second!.id);
    expect(first!.name).toBe('New Person');
    expect([...batch.newContacts]).toEqual([first!.id]);
  });

  it('gives a known customer the name they now say in place of a made-up one, last', async () => {
    await deliver(handle.db, {
      ...envelope(world, { from: 'anon', id: 'a-1' }),
      message: { ...envelope(world, { from: 'anon', id: 'a-1' }).message, sender: { externalId: 'anon' } },
    });
    const before = await handle.db
      .selectFrom('contacts as c')
      .innerJoin('contact_identities as i', 'i.contact_id', 'c.id')
      .select('c.name')
      .where('i.external_id', '=', 'anon')
      .executeTakeFirstOrThrow();
    const batch = await runSteps(handle.db, [dedupe, identify, adoptNames], [envelope(world, { from: 'anon', id: 'a-2', name: 'Mei' })], { commit: true });
    expect(batch.contactOf(batch.accepted[0]!.envelope).name).toBe('Mei');
    expect(before.name).not.toBe('Mei');
    const kinds = await handle.db.selectFrom('outbox').select('kind').where('tenant_id', '=', world.tenantId).where('kind', '=', 'contact.updated').execute();
    expect(kinds).toHaveLength(1);
  });
});
