// A company set up for routing tests: roles, a channel, groups, agents with capacity and skills,
// and helpers to build and publish inbound envelopes the way the gateway does.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../../core/bus/bus.js';
import { inboundRoutingKey, shardOf } from '../../core/bus/bus.js';
import type { Db } from '../../core/db/database.js';
import type { AgentStatus, Capacity, ConversationKind, GroupStrategy } from '../../core/db/schema.js';
import { conversationKey, type InboundEnvelope } from '../../core/domain/messages.js';
import { pino } from 'pino';
import { eventually } from './services.js';

export const silentLogger = pino({ level: 'silent' });

export interface World {
  db: Db;
  tenantId: string;
  roleId: string;
  channelId: string;
  channelType: string;
}

export async function createWorld(db: Db, slug: string, channelType = 'web'): Promise<World> {
  const tenant = await db.insertInto('tenants').values({ slug, name: slug }).returning('id').executeTakeFirstOrThrow();
  const role = await db.insertInto('roles').values({ tenant_id: tenant.id, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
  const channel = await db.insertInto('channels').values({ tenant_id: tenant.id, type: channelType, name: 'Site' }).returning('id').executeTakeFirstOrThrow();
  return { db, tenantId: tenant.id, roleId: role.id, channelId: channel.id, channelType };
}

export async function addChannel(world: World, type: string): Promise<string> {
  const channel = await world.db.insertInto('channels').values({ tenant_id: world.tenantId, type, name: type }).returning('id').executeTakeFirstOrThrow();
  return channel.id;
}

export async function addGroup(
  world: World,
  name: string,
  settings: {
    strategy?: GroupStrategy;
    max_queue_length?: number;
    queue_full_reply?: string;
    overflow_group_id?: string;
    overflow_after_seconds?: number;
    no_answer_seconds?: number;
    no_answer_set_away?: boolean;
    sticky_days?: number;
    auto_resolve_after_seconds?: number;
    calendar_id?: string;
  } = {},
): Promise<string> {
  const group = await world.db
    .insertInto('groups')
    .values({ tenant_id: world.tenantId, name, ...settings })
    .returning('id')
    .executeTakeFirstOrThrow();
  return group.id;
}

export async function addAgent(
  world: World,
  name: string,
  options: {
    groups?: string[];
    capacity?: Capacity;
    status?: AgentStatus;
    skills?: Record<string, number>;
    phone?: 'offline' | 'ip_phone' | 'web_phone' | 'mobile';
  } = {},
): Promise<string> {
  const user = await world.db
    .insertInto('users')
    .values({
      tenant_id: world.tenantId,
      email: `${name.toLowerCase().replace(/\W/g, '')}-${randomUUID().slice(0, 6)}@example.com`,
      name,
      password_hash: null,
      role_id: world.roleId,
      account_status: 'active',
      agent_status: options.status ?? 'online',
      phone_status: options.phone ?? 'offline',
      capacity: JSON.stringify(options.capacity ?? { chat: 5, email: 20, voice: 1 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const groupId of options.groups ?? []) {
    await world.db.insertInto('group_members').values({ tenant_id: world.tenantId, group_id: groupId, user_id: user.id }).execute();
  }
  for (const [skillId, level] of Object.entries(options.skills ?? {})) {
    await world.db.insertInto('agent_skills').values({ tenant_id: world.tenantId, user_id: user.id, skill_id: skillId, level }).execute();
  }
  return user.id;
}

export async function addSkill(world: World, name: string): Promise<string> {
  const skill = await world.db.insertInto('skills').values({ tenant_id: world.tenantId, name }).returning('id').executeTakeFirstOrThrow();
  return skill.id;
}

export async function setDefaultGroup(world: World, groupId: string, reopenWindowSeconds = 86_400): Promise<void> {
  await world.db
    .insertInto('router_settings')
    .values({ tenant_id: world.tenantId, default_group_id: groupId, reopen_window_seconds: reopenWindowSeconds })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ default_group_id: groupId, reopen_window_seconds: reopenWindowSeconds }))
    .execute();
}

export async function addRule(
  world: World,
  position: number,
  conditions: unknown[],
  actions: Record<string, unknown>,
  name = `rule-${position}`,
): Promise<string> {
  const rule = await world.db
    .insertInto('routing_rules')
    .values({ tenant_id: world.tenantId, name, position, conditions: JSON.stringify(conditions), actions: JSON.stringify(actions) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return rule.id;
}

export function envelope(
  world: Pick<World, 'tenantId' | 'channelId' | 'channelType'>,
  message: {
    from: string;
    id?: string;
    text?: string;
    threadKey?: string;
    kind?: ConversationKind;
    language?: string;
    name?: string;
    attributes?: Record<string, unknown>;
  },
): InboundEnvelope {
  return {
    version: 1,
    tenantId: world.tenantId,
    channelId: world.channelId,
    channelType: world.channelType,
    receivedAt: new Date().toISOString(),
    message: {
      externalId: message.id ?? randomUUID(),
      threadKey: message.threadKey,
      sender: { externalId: message.from, displayName: message.name ?? message.from, attributes: message.attributes },
      parts: [{ type: 'text', text: message.text ?? 'hello' }],
      kind: message.kind,
      language: message.language,
    },
  };
}

/** Publishes as the gateway does: to the shard of the message's conversation. */
export async function publishInbound(bus: Bus, shards: number, env: InboundEnvelope): Promise<void> {
  const shard = shardOf(conversationKey(env.channelId, env.message), shards);
  await bus.publish('inbound', inboundRoutingKey(shard), env, { messageId: `${env.channelId}:${env.message.externalId}` });
}

/** `eventually`, typed for probes that answer false (or nothing) until they answer the value. */
export async function waitFor<T>(probe: () => Promise<T | false | undefined | null> | T | false | undefined | null, timeoutMs = 15_000): Promise<T> {
  return (await eventually(probe, { timeoutMs })) as T;
}

/** Runs inbound messages through the pipeline in one transaction, as one batch from a shard would. */
export async function deliver(db: Db, ...envelopes: InboundEnvelope[]) {
  const [{ processInbound }, { inboundPipeline }] = await Promise.all([import('../../router/pipeline/process-batch.js'), import('../../app/pipeline.js')]);
  return db.transaction().execute((trx) => processInbound(trx, envelopes, { pipeline: inboundPipeline }));
}

export const depsFor = (db: Db) => ({ database: { db }, relay: { poke() {} }, logger: silentLogger });

export async function conversationOf(db: Db, world: World, customer: string) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('contact_identities as i', (join) => join.onRef('i.contact_id', '=', 'c.contact_id').onRef('i.channel_id', '=', 'c.channel_id'))
    .selectAll('c')
    .where('c.tenant_id', '=', world.tenantId)
    .where('i.external_id', '=', customer)
    .orderBy('c.created_at', 'desc')
    .executeTakeFirstOrThrow();
}

export async function outboxKinds(db: Db, world: World): Promise<string[]> {
  const rows = await db.selectFrom('outbox').select('kind').where('tenant_id', '=', world.tenantId).orderBy('id').execute();
  return rows.map((r) => r.kind);
}

export async function outboxPayloads(db: Db, world: World, kind: string): Promise<Record<string, any>[]> {
  const rows = await db.selectFrom('outbox').select('payload').where('tenant_id', '=', world.tenantId).where('kind', '=', kind).orderBy('id').execute();
  return rows.map((r) => r.payload);
}

/** `customers` × `perCustomer` messages, each customer's in order, customers interleaved. */
export function customerMessages(world: World, customers: number, perCustomer: number, prefix = 'customer'): InboundEnvelope[] {
  const sent: InboundEnvelope[] = [];
  for (let seq = 1; seq <= perCustomer; seq++) {
    for (let c = 0; c < customers; c++) {
      sent.push(envelope(world, { from: `${prefix}-${c}`, id: `${prefix}-${c}-${seq}`, text: `${c % 5 === 0 ? 'buy ' : ''}message ${seq}` }));
    }
  }
  return sent;
}
