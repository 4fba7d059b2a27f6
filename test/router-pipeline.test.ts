import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busFactories } from './support/services.js';
import { startHarness, type Harness } from './support/router-harness.js';
import { addAgent, addGroup, createWorld, envelope, publishInbound, setDefaultGroup, waitFor, type World } from './support/router-world.js';

for (const factory of busFactories) {
  describe.skipIf(!factory.available)(`router pipeline on the ${factory.name} bus`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(factory);
    });
    afterAll(() => h?.stop());

    const conversationsOf = (world: World) =>
      h.db.selectFrom('conversations').selectAll().where('tenant_id', '=', world.tenantId).orderBy('created_at').execute();

    it('threads, dedupes and assigns round robin, announcing every change through the outbox', async () => {
      const world = await createWorld(h.db, `pipe-a-${factory.name}`);
      const support = await addGroup(world, 'Support');
      await setDefaultGroup(world, support);
      const li = await addAgent(world, 'Li', { groups: [support] });
      const wang = await addAgent(world, 'Wang', { groups: [support] });

      const first = envelope(world, { from: 'visitor-1', id: 'm-1', text: '你好' });
      await publishInbound(h.bus, h.shards, first);
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'visitor-1', id: 'm-2', text: 'anyone?' }));
      await publishInbound(h.bus, h.shards, first); // a replayed webhook
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'visitor-2', id: 'm-3' }));

      const messages = await waitFor(async () => {
        const rows = await h.db.selectFrom('messages').selectAll().where('tenant_id', '=', world.tenantId).orderBy('id').execute();
        return rows.length === 3 && rows;
      });
      const conversations = await waitFor(async () => {
        const rows = await conversationsOf(world);
        return rows.length === 2 && rows.every((c) => c.status === 'assigned') && rows;
      });
      // Stored once each; one customer's two messages in one conversation, in order (shards may interleave customers).
      expect(messages.map((m) => m.external_id).sort()).toEqual(['m-1', 'm-2', 'm-3']);
      const firstCustomer = messages.filter((m) => m.external_id !== 'm-3');
      expect(firstCustomer.map((m) => m.external_id)).toEqual(['m-1', 'm-2']);
      expect(new Set(firstCustomer.map((m) => m.conversation_id)).size).toBe(1);
      const byContact = new Map(conversations.map((c) => [c.contact_id, c]));
      // Two agents, two conversations: one each, never both to the same agent.
      expect(new Set(conversations.map((c) => c.assignee_id))).toEqual(new Set([li, wang]));
      expect(byContact.size).toBe(2);
      expect(conversations.every((c) => c.group_id === support)).toBe(true);

      const contacts = await h.db.selectFrom('contacts').selectAll().where('tenant_id', '=', world.tenantId).execute();
      expect(contacts.map((c) => c.name).sort()).toEqual(['visitor-1', 'visitor-2']);

      // m-2 may come in a later batch than both assignments: wait for its event too.
      const published = await waitFor(() => {
        const mine = h.events.filter((e) => e.tenantId === world.tenantId);
        const count = (kind: string) => mine.filter((e) => e.kind === kind).length;
        return count('conversation.assigned') === 2 && count('message.created') >= 3 && mine;
      });
      const kinds = published.map((e) => e.kind);
      expect(kinds.filter((k) => k === 'message.created')).toHaveLength(3);
      expect(kinds.filter((k) => k === 'conversation.created')).toHaveLength(2);
      const assigned = published.find((e) => e.kind === 'conversation.assigned')!;
      expect(assigned.payload).toMatchObject({ conversation: { status: 'assigned', groupId: support }, previousAssigneeId: null });
    });

    it('keeps a known identity on its contact and gives a new identity a new contact', async () => {
      const world = await createWorld(h.db, `pipe-b-${factory.name}`);
      const contact = await h.db
        .insertInto('contacts')
        .values({ tenant_id: world.tenantId, name: 'Known Customer', tags: ['VIP'] })
        .returning('id')
        .executeTakeFirstOrThrow();
      await h.db
        .insertInto('contact_identities')
        .values({ tenant_id: world.tenantId, contact_id: contact.id, channel_id: world.channelId, external_id: 'openid-known', display_name: 'Known' })
        .execute();
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'openid-known', name: 'Someone Else' }));
      await publishInbound(h.bus, h.shards, {
        ...envelope(world, { from: 'openid-new' }),
        message: {
          ...envelope(world, { from: 'openid-new' }).message,
          sender: { externalId: 'openid-new', displayName: 'New One', email: 'new@example.com', phone: '+8613800000000' },
        },
      });
      const conversations = await waitFor(async () => {
        const rows = await conversationsOf(world);
        return rows.length === 2 && rows;
      });
      expect(conversations.map((c) => c.contact_id)).toContain(contact.id);
      const fresh = await h.db
        .selectFrom('contacts')
        .selectAll()
        .where('tenant_id', '=', world.tenantId)
        .where('id', '<>', contact.id)
        .executeTakeFirstOrThrow();
      expect(fresh).toMatchObject({ name: 'New One', email: 'new@example.com', phone: '+8613800000000' });
      // Without agents or groups the conversations wait in the tenant's queue.
      expect(conversations.every((c) => c.status === 'queued')).toBe(true);
    });

    it('reopens a conversation resolved within the window and starts a new one after it', async () => {
      const world = await createWorld(h.db, `pipe-c-${factory.name}`);
      const group = await addGroup(world, 'Support');
      await setDefaultGroup(world, group, 3600);
      await addAgent(world, 'Li', { groups: [group] });
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'c-1', id: 'r-1' }));
      const [conversation] = await waitFor(async () => {
        const rows = await conversationsOf(world);
        return rows.length === 1 && rows[0]!.status === 'assigned' && rows;
      });
      await h.db.updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', conversation!.id).execute();
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'c-1', id: 'r-2' }));
      await waitFor(async () => {
        const rows = await conversationsOf(world);
        return rows.length === 1 && rows[0]!.status === 'assigned' && rows[0]!.resolved_at === null;
      });
      // Resolved two hours ago: outside the one-hour window, so a new conversation.
      await h.db
        .updateTable('conversations')
        .set({ status: 'resolved', resolved_at: new Date(Date.now() - 7_200_000) })
        .where('id', '=', conversation!.id)
        .execute();
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'c-1', id: 'r-3' }));
      const rows = await waitFor(async () => {
        const rows = await conversationsOf(world);
        return rows.length === 2 && rows;
      });
      expect(rows[0]!.status).toBe('resolved');
      expect(rows[1]!.status).toBe('assigned');
      const kinds = await h.db.selectFrom('outbox').select('kind').where('tenant_id', '=', world.tenantId).execute();
      expect(kinds.filter((k) => k.kind === 'conversation.reopened')).toHaveLength(1);
    });

    it('refuses a malformed or foreign message alone and stores the rest of its batch', async () => {
      const world = await createWorld(h.db, `pipe-d-${factory.name}`);
      const other = await createWorld(h.db, `pipe-e-${factory.name}`);
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'ok-1', id: 'ok-1' }));
      await h.bus.publish('inbound', 'shard.0', { version: 1, tenantId: world.tenantId, message: { nonsense: true } });
      // A channel of another company: refused, never stored under this tenant.
      await publishInbound(h.bus, h.shards, { ...envelope(world, { from: 'x', id: 'foreign' }), channelId: other.channelId });
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'ok-2', id: 'ok-2' }));
      await waitFor(async () => {
        const rows = await h.db.selectFrom('messages').select('external_id').where('tenant_id', '=', world.tenantId).execute();
        return rows.length === 2;
      });
      const dead = await waitFor(async () => {
        const letters = [...(await h.bus.peekDeadLetters('inbound.shard.0', 10)), ...(await h.bus.peekDeadLetters('inbound.shard.1', 10))];
        return letters.length >= 2 && letters;
      });
      expect(dead.map((d) => d.error).join('\n')).toMatch(/malformed inbound envelope/);
      expect(dead.map((d) => d.error).join('\n')).toMatch(/unknown channel/);
      const foreign = await h.db.selectFrom('messages').select('id').where('external_id', '=', 'foreign').execute();
      expect(foreign).toHaveLength(0);
    });

    it('stores a message carrying text PostgreSQL cannot hold with U+FFFD in its place instead of dead-lettering it', async () => {
      const world = await createWorld(h.db, `pipe-nul-${factory.name}`);
      // The entries refuse such text; this is a message published by a connector that skipped the check.
      await publishInbound(h.bus, h.shards, envelope(world, { from: 'nul-1', id: 'nul-1', name: 'Li\u0000Lei', text: 'before\u0000after \uD800 😀' }));
      const stored = await waitFor(() =>
        h.db.selectFrom('messages').select('content').where('tenant_id', '=', world.tenantId).where('external_id', '=', 'nul-1').executeTakeFirst(),
      );
      expect(JSON.stringify(stored.content)).toContain('before\uFFFDafter \uFFFD 😀');
      const contact = await h.db.selectFrom('contacts').select('name').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
      expect(contact.name).toBe('Li\uFFFDLei');
    });
  });
}
