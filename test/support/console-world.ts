import type { Db } from '../../core/db/database.js';
import { hashPassword } from '../../console/server/auth/passwords.js';
import { signUp, type ApiClient, type TestConsole } from './console.js';

const PASSWORD = 'agent password 1';
let passwordHash: Promise<string> | undefined;

async function addUser(db: Db, tenantId: string, input: { email: string; name: string; roleId: string; groupIds: string[] }) {
  const user = await db
    .insertInto('users')
    .values({
      tenant_id: tenantId,
      email: input.email,
      name: input.name,
      role_id: input.roleId,
      password_hash: await (passwordHash ??= hashPassword(PASSWORD)),
      account_status: 'active',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (input.groupIds.length)
    await db
      .insertInto('group_members')
      .values(input.groupIds.map((g) => ({ tenant_id: tenantId, group_id: g, user_id: user.id })))
      .execute();
  return user.id;
}

export async function addConversation(
  db: Db,
  tenantId: string,
  channelId: string,
  input: { contactName: string; externalId: string; text: string; groupId: string | null; assigneeId: string | null },
) {
  const contact = await db
    .insertInto('contacts')
    .values({ tenant_id: tenantId, name: input.contactName, email: `${input.externalId}@customer.example` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('contact_identities')
    .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channelId, external_id: input.externalId, display_name: input.contactName })
    .execute();
  const conversation = await db
    .insertInto('conversations')
    .values({
      tenant_id: tenantId,
      channel_id: channelId,
      contact_id: contact.id,
      group_id: input.groupId,
      assignee_id: input.assigneeId,
      status: input.assigneeId ? 'assigned' : 'queued',
      subject: null,
      last_message_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('messages')
    .values({
      tenant_id: tenantId,
      conversation_id: conversation.id,
      channel_id: channelId,
      direction: 'in',
      sender_type: 'contact',
      sender_id: contact.id,
      external_id: `ext-${input.externalId}`,
      client_id: null,
      content: JSON.stringify([{ type: 'text', text: input.text }]),
      error: null,
    })
    .execute();
  return { conversationId: conversation.id, contactId: contact.id };
}

export interface Company {
  slug: string;
  tenantId: string;
  groups: { sales: string; support: string };
  roles: { admin: string; agent: string; ownOnly: string; supervisor: string };
  users: Record<'admin' | 'salesAgent' | 'supportAgent' | 'ownOnly' | 'supervisor', string>;
  clients: Record<'admin' | 'salesAgent' | 'supportAgent' | 'ownOnly' | 'supervisor', ApiClient>;
  channelId: string;
  /** Conversations: sales queue, support assigned to the support agent, one of the own-only agent, one with no group. */
  conversations: Record<'salesQueued' | 'supportAssigned' | 'ownOnlyAssigned' | 'ungrouped', { conversationId: string; contactId: string; text: string }>;
}

/**
 * A company to test visibility in: two groups (sales, support), the built-in roles, a custom
 * "own only" role and a custom "supervisor" role (sees everything, administers nothing), and one
 * conversation of each kind of visibility. Every text carries the company's slug, so a leak
 * across companies shows in any answer.
 */
export async function buildCompany(tc: TestConsole, slug: string): Promise<Company> {
  const db = tc.ctx.database.db;
  const { admin, tenantId, userId } = await signUp(tc, slug);
  const roles = await db.selectFrom('roles').select(['id', 'name']).where('tenant_id', '=', tenantId).execute();
  const roleId = (name: string) => roles.find((r) => r.name === name)!.id;
  const ownOnly = (await admin.post('/api/roles', { name: 'Own only', permissions: ['conversations.view.own', 'conversations.reply', 'contacts.view'] })).body
    .id as string;
  const supervisor = (await admin.post('/api/roles', { name: 'Supervisor', permissions: ['conversations.view.all', 'contacts.view', 'reports.view'] })).body
    .id as string;
  const sales = (await admin.post('/api/groups', { name: 'Sales' })).body.id as string;
  const support = (await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Support').executeTakeFirstOrThrow()).id;
  const users = {
    admin: userId,
    salesAgent: await addUser(db, tenantId, { email: `sales@${slug}.example`, name: `${slug} Sales Agent`, roleId: roleId('agent'), groupIds: [sales] }),
    supportAgent: await addUser(db, tenantId, {
      email: `support@${slug}.example`,
      name: `${slug} Support Agent`,
      roleId: roleId('agent'),
      groupIds: [support],
    }),
    ownOnly: await addUser(db, tenantId, { email: `own@${slug}.example`, name: `${slug} Own Agent`, roleId: ownOnly, groupIds: [sales] }),
    supervisor: await addUser(db, tenantId, { email: `boss@${slug}.example`, name: `${slug} Supervisor`, roleId: supervisor, groupIds: [support] }),
  };
  const channel = await db
    .insertInto('channels')
    .values({ tenant_id: tenantId, type: 'app-api', name: `${slug} app` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const conversation = async (key: string, groupId: string | null, assigneeId: string | null) => {
    const text = `${slug}-${key}-message`;
    return {
      ...(await addConversation(db, tenantId, channel.id, { contactName: `${slug} ${key} customer`, externalId: `${slug}-${key}`, text, groupId, assigneeId })),
      text,
    };
  };
  const conversations = {
    salesQueued: await conversation('salesQueued', sales, null),
    supportAssigned: await conversation('supportAssigned', support, users.supportAgent),
    ownOnlyAssigned: await conversation('ownOnlyAssigned', sales, users.ownOnly),
    ungrouped: await conversation('ungrouped', null, null),
  };
  const clients = { admin } as Company['clients'];
  for (const [key, email] of [
    ['salesAgent', `sales@${slug}.example`],
    ['supportAgent', `support@${slug}.example`],
    ['ownOnly', `own@${slug}.example`],
    ['supervisor', `boss@${slug}.example`],
  ] as const) {
    const client = tc.client(slug);
    const answer = await client.signIn(email, PASSWORD);
    if (answer.status !== 200) throw new Error(`sign-in of ${email} failed: ${answer.status}`);
    clients[key] = client;
  }
  return {
    slug,
    tenantId,
    groups: { sales, support },
    roles: { admin: roleId('admin'), agent: roleId('agent'), ownOnly, supervisor },
    users,
    clients,
    channelId: channel.id,
    conversations,
  };
}
