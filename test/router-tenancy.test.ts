import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/errors.js';
import {
  assignConversation,
  claimConversation,
  reopenConversation,
  resolveConversation,
  setAgentCapacity,
  setAgentStatus,
  transferConversation,
} from '../router/actions.js';
import { freshDatabase } from './support/services.js';
import { addAgent, addGroup, addRule, conversationOf, createWorld, deliver, depsFor, envelope, setDefaultGroup } from './support/router-world.js';

describe('router tenant isolation', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());

  it("never lets one company reach another company's conversations, agents or groups", async () => {
    const db = handle.db;
    const acme = await createWorld(db, 'acme-iso');
    const globex = await createWorld(db, 'globex-iso');
    const acmeGroup = await addGroup(acme, 'Support');
    await setDefaultGroup(acme, acmeGroup);
    const acmeAgent = await addAgent(acme, 'Acme agent', { groups: [acmeGroup] });
    const globexGroup = await addGroup(globex, 'Support');
    const globexAgent = await addAgent(globex, 'Globex agent', { groups: [globexGroup] });
    // A rule naming another company's group or agent is ignored: the default group gets it.
    await addRule(acme, 1, [], { groupId: globexGroup, agentId: globexAgent });
    await deliver(db, envelope(acme, { from: 'customer' }));
    const conversation = await conversationOf(db, acme, 'customer');
    expect(conversation).toMatchObject({ group_id: acmeGroup, assignee_id: acmeAgent });

    const deps = depsFor(db);
    const ids = { tenantId: acme.tenantId, conversationId: conversation.id };
    await expect(assignConversation(deps, { ...ids, agentId: globexAgent, actorId: acmeAgent })).rejects.toThrow(NotFoundError);
    await expect(transferConversation(deps, { ...ids, actorId: acmeAgent, to: { agentId: globexAgent } })).rejects.toThrow(NotFoundError);
    await expect(transferConversation(deps, { ...ids, actorId: acmeAgent, to: { groupId: globexGroup } })).rejects.toThrow(NotFoundError);
    const asGlobex = { tenantId: globex.tenantId, conversationId: conversation.id };
    await expect(resolveConversation(deps, { ...asGlobex, actorId: globexAgent })).rejects.toThrow(NotFoundError);
    await expect(reopenConversation(deps, { ...asGlobex, actorId: globexAgent })).rejects.toThrow(NotFoundError);
    await expect(claimConversation(deps, { ...asGlobex, agentId: globexAgent })).rejects.toThrow(NotFoundError);
    await expect(setAgentStatus(deps, { tenantId: globex.tenantId, userId: acmeAgent, status: 'offline' })).rejects.toThrow(NotFoundError);
    await expect(setAgentCapacity(deps, { tenantId: globex.tenantId, userId: acmeAgent, capacity: { chat: 1 } })).rejects.toThrow(NotFoundError);
    expect(await conversationOf(db, acme, 'customer')).toMatchObject({ status: 'assigned', assignee_id: acmeAgent });
    const agent = await db.selectFrom('users').select(['agent_status', 'capacity']).where('id', '=', acmeAgent).executeTakeFirstOrThrow();
    expect(agent).toMatchObject({ agent_status: 'online', capacity: { chat: 5 } });
    // Nothing about acme reached globex's event stream.
    const leaked = await db.selectFrom('outbox').select('kind').where('tenant_id', '=', globex.tenantId).execute();
    expect(leaked).toEqual([]);
  });
});
