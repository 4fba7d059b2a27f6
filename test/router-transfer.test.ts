import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { assignConversation, reopenConversation, resolveConversation, transferConversation } from '../router/actions.js';
import { freshDatabase } from './support/services.js';
import { addAgent, addGroup, conversationOf, createWorld, deliver, depsFor, envelope, outboxPayloads, setDefaultGroup } from './support/router-world.js';

describe('router transfers and console actions', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());
  const db = () => handle.db;

  async function setUp(slug: string) {
    const world = await createWorld(db(), slug);
    const support = await addGroup(world, 'Support');
    const billing = await addGroup(world, 'Billing');
    await setDefaultGroup(world, support);
    const li = await addAgent(world, 'Li', { groups: [support], capacity: { chat: 2 } });
    const wang = await addAgent(world, 'Wang', { groups: [billing], capacity: { chat: 1 } });
    const supervisor = await addAgent(world, 'Boss', { status: 'offline' });
    await deliver(db(), envelope(world, { from: 'customer' }));
    const conversation = await conversationOf(db(), world, 'customer');
    return { world, support, billing, li, wang, supervisor, conversation, deps: depsFor(db()) };
  }

  it("transfers to an agent with an internal note, and respects the target's status and capacity", async () => {
    const { world, li, wang, supervisor, conversation, deps } = await setUp('to-agent');
    expect(conversation.assignee_id).toBe(li);
    const snapshot = await transferConversation(deps, {
      tenantId: world.tenantId,
      conversationId: conversation.id,
      actorId: li,
      to: { agentId: wang },
      note: '客户要开发票',
    });
    expect(snapshot).toMatchObject({ assigneeId: wang, status: 'assigned' });
    const note = await db()
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversation.id)
      .where('private', '=', true)
      .executeTakeFirstOrThrow();
    expect(note).toMatchObject({ sender_type: 'agent', sender_id: li, content: [{ type: 'text', text: '客户要开发票' }] });
    expect(await db().selectFrom('outbox').select('id').where('tenant_id', '=', world.tenantId).where('exchange', '=', 'outbound').execute()).toHaveLength(0);
    const [transferred] = await outboxPayloads(db(), world, 'conversation.transferred');
    expect(transferred).toMatchObject({ from: { assigneeId: li }, conversation: { assigneeId: wang }, note: '客户要开发票' });

    // Wang is full now (capacity 1); the supervisor is offline.
    await deliver(db(), envelope(world, { from: 'another' }));
    const another = await conversationOf(db(), world, 'another');
    await expect(transferConversation(deps, { tenantId: world.tenantId, conversationId: another.id, actorId: li, to: { agentId: wang } })).rejects.toThrow(
      ConflictError,
    );
    await expect(
      transferConversation(deps, { tenantId: world.tenantId, conversationId: another.id, actorId: li, to: { agentId: supervisor } }),
    ).rejects.toThrow(/offline/);
    await expect(
      transferConversation(deps, { tenantId: world.tenantId, conversationId: another.id, actorId: li, to: { agentId: wang, queue: true } as never }),
    ).rejects.toThrow(ValidationError);
  });

  it("transfers to a group: its strategy picks someone there, or it waits in that group's line", async () => {
    const { world, billing, li, wang, conversation, deps } = await setUp('to-group');
    const moved = await transferConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: li, to: { groupId: billing } });
    expect(moved).toMatchObject({ groupId: billing, assigneeId: wang, status: 'assigned' });
    await deliver(db(), envelope(world, { from: 'second' }));
    const second = await conversationOf(db(), world, 'second');
    const waiting = await transferConversation(deps, { tenantId: world.tenantId, conversationId: second.id, actorId: li, to: { groupId: billing } });
    expect(waiting).toMatchObject({ groupId: billing, assigneeId: null, status: 'queued' });
    // Moving a waiting conversation on tells the line it left where everyone stands now.
    await db()
      .updateTable('users')
      .set({ capacity: JSON.stringify({ chat: 0 }) })
      .where('id', '=', li)
      .execute();
    await deliver(db(), envelope(world, { from: 'fourth' }));
    await deliver(db(), envelope(world, { from: 'fifth' }));
    const fourth = await conversationOf(db(), world, 'fourth');
    const fifth = await conversationOf(db(), world, 'fifth');
    expect([fourth.status, fifth.status]).toEqual(['queued', 'queued']);
    await transferConversation(deps, { tenantId: world.tenantId, conversationId: fourth.id, actorId: li, to: { groupId: billing } });
    const positions = await outboxPayloads(db(), world, 'queue.position');
    expect(positions.at(-1)).toMatchObject({ conversation: { id: fifth.id }, position: 1 });
    await expect(
      transferConversation(deps, { tenantId: world.tenantId, conversationId: second.id, actorId: li, to: { groupId: world.tenantId } }),
    ).rejects.toThrow(NotFoundError);
  });

  it('back to the queue: another agent with room takes it, never the one who let it go', async () => {
    const { world, support, li, conversation, deps } = await setUp('to-queue');
    const back = await transferConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: li, to: { queue: true } });
    expect(back).toMatchObject({ status: 'queued', assigneeId: null, groupId: support });
    const zhao = await addAgent(world, 'Zhao', { groups: [support], status: 'offline' });
    const { setAgentStatus } = await import('../router/actions.js');
    await setAgentStatus(deps, { tenantId: world.tenantId, userId: zhao, status: 'online' });
    expect((await conversationOf(db(), world, 'customer')).assignee_id).toBe(zhao);
  });

  it('assigns by hand, resolves, and reopens to the agent who had it', async () => {
    const { world, li, wang, supervisor, conversation, deps } = await setUp('by-hand');
    await db()
      .updateTable('users')
      .set({ capacity: JSON.stringify({ chat: 3 }) })
      .where('id', '=', wang)
      .execute();
    const assigned = await assignConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: wang, actorId: supervisor });
    expect(assigned.assigneeId).toBe(wang);
    const [event] = await outboxPayloads(db(), world, 'conversation.assigned').then((p) => p.slice(-1));
    expect(event!.previousAssigneeId).toBe(li);
    const resolved = await resolveConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: wang });
    expect(resolved.status).toBe('resolved');
    expect(await resolveConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: wang })).toEqual(resolved);
    await expect(assignConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: li, actorId: supervisor })).rejects.toThrow(
      /resolved/,
    );
    const reopened = await reopenConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: supervisor });
    expect(reopened).toMatchObject({ status: 'assigned', assigneeId: wang });
    await expect(reopenConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: supervisor })).rejects.toThrow(ConflictError);
    const log = await db().selectFrom('assignment_log').select(['agent_id', 'action']).where('conversation_id', '=', conversation.id).orderBy('id').execute();
    expect(log).toEqual([
      { agent_id: li, action: 'assign' },
      { agent_id: li, action: 'release' },
      { agent_id: wang, action: 'assign' },
      { agent_id: wang, action: 'release' },
      { agent_id: wang, action: 'assign' },
    ]);
  });

  it('refuses to reopen while the customer has another open conversation there', async () => {
    const { world, li, conversation, deps } = await setUp('reopen-clash');
    await resolveConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: li });
    await db()
      .insertInto('router_settings')
      .values({ tenant_id: world.tenantId, reopen_window_seconds: 0 })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ reopen_window_seconds: 0 }))
      .execute();
    await deliver(db(), envelope(world, { from: 'customer' }));
    await expect(reopenConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, actorId: li })).rejects.toThrow(
      /already has an open conversation/,
    );
  });
});
