import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { loadConfig } from '../../core/config/config.js';
import { createChannel } from '../../core/connector/channels.js';
import { ConnectorRegistry } from '../../core/connector/registry.js';
import type { Db } from '../../core/db/database.js';
import type { PhoneStatus } from '../../core/db/schema.js';
import { createLogger } from '../../core/log/logger.js';
import type { FlowInput } from '../../callcenter/ivr.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { builtInConnectors } from '../../connectors/index.js';
import { AMQP_URL, BUS_NAMESPACE, freshDatabase } from './services.js';
import { LOOPBACK_ALLOW } from './connectors.js';

/** A whole Switchboard (gateway, router, console) in this process, on a fresh PostgreSQL database and RabbitMQ (this file's bus namespace). */
export async function startCallCenter(
  publicUrl?: string,
  /** The roles this process runs; a test may run the router in processes of its own. */
  roles: ('gateway' | 'router' | 'console')[] = ['gateway', 'router', 'console'],
): Promise<{ running: RunningProcess; db: Db; url: string; logs(): string; stop(): Promise<void> }> {
  const database = await freshDatabase('pg');
  let logText = '';
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk, _enc, done) {
        logText += chunk;
        done();
      },
    }),
  );
  const config = loadConfig({
    DATABASE_URL: database.url!,
    OUTBOUND_ALLOW: LOOPBACK_ALLOW,
    // RabbitMQ when it is configured; the in-process bus otherwise.
    ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: 'classic' } : {}),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-voice-')),
    SECRET_KEY: 'cd'.repeat(32),
    INBOUND_SHARDS: '2',
    ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}),
  });
  const running = await startProcess(config, roles, logger);
  return {
    running,
    db: running.ctx.database.db,
    url: database.url!,
    logs: () => logText,
    stop: async () => {
      await running.stop();
      await database.drop();
    },
  };
}

export interface CallCenterCompany {
  tenantId: string;
  roleId: string;
  sales: string;
  agents: Record<string, string>;
  flowId: string;
}

/** A company with a Sales queue, agents with desk phones, and a phone menu: 1 for sales, 2 to hang up. */
export async function callCenterCompany(
  db: Db,
  slug: string,
  agents: { name: string; sip: string; phone?: PhoneStatus; wrapUpSeconds?: number }[],
  group: { no_answer_seconds?: number } = {},
): Promise<CallCenterCompany> {
  const tenant = await db.insertInto('tenants').values({ slug, name: slug }).returning('id').executeTakeFirstOrThrow();
  const role = await db.insertInto('roles').values({ tenant_id: tenant.id, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
  const sales = await db
    .insertInto('groups')
    .values({ tenant_id: tenant.id, name: 'Sales', strategy: 'round_robin', ...group })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: Record<string, string> = {};
  let order = agents.length;
  for (const agent of agents) {
    const user = await db
      .insertInto('users')
      .values({
        tenant_id: tenant.id,
        email: `${agent.name.toLowerCase()}@${slug}.test`,
        name: agent.name,
        password_hash: null,
        role_id: role.id,
        account_status: 'active',
        agent_status: 'online',
        phone_status: agent.phone ?? 'ip_phone',
        capacity: JSON.stringify({ chat: 5, email: 20, voice: 1 }),
        // Round robin serves the longest idle first: the first agent listed rings first.
        last_assigned_at: sql<Date>`now() - make_interval(mins => ${order--})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[agent.name] = user.id;
    await db.insertInto('group_members').values({ tenant_id: tenant.id, group_id: sales.id, user_id: user.id }).execute();
    await db
      .insertInto('voice_endpoints')
      .values({ tenant_id: tenant.id, user_id: user.id, sip: agent.sip, webrtc: null, mobile: null, wrap_up_seconds: agent.wrapUpSeconds ?? 0 })
      .execute();
  }
  const flow: FlowInput = {
    start: { type: 'menu', menuId: 'main' },
    menus: [
      {
        id: 'main',
        prompt: { type: 'sound', media: 'sales-menu' },
        options: { '1': { type: 'queue', groupId: sales.id }, '2': { type: 'hangup' } },
        timeoutSeconds: 30,
      },
    ],
  };
  const flowRow = await db
    .insertInto('ivr_flows')
    .values({ tenant_id: tenant.id, name: 'Main', definition: JSON.stringify(flow) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { tenantId: tenant.id, roleId: role.id, sales: sales.id, agents: ids, flowId: flowRow.id };
}

export async function addVoiceChannel(running: RunningProcess, tenantId: string, type: string, config: Record<string, unknown>): Promise<string> {
  const deps = { db: running.ctx.database.db, bus: running.ctx.bus, config: running.ctx.config, registry: new ConnectorRegistry(builtInConnectors) };
  const { channel } = await createChannel(deps, tenantId, { type, name: `Phone ${type}`, config });
  return channel.id;
}

export const callRow = (db: Db, channelId: string, providerCallId: string) =>
  db.selectFrom('calls').selectAll().where('channel_id', '=', channelId).where('provider_call_id', '=', providerCallId).executeTakeFirst();

export async function timeline(db: Db, callId: string): Promise<string[]> {
  const rows = await db.selectFrom('call_events').select(['kind', 'detail']).where('call_id', '=', callId).orderBy('id').execute();
  return rows.map((r) => r.kind);
}

/** The timeline once the platform said the call's recording is finished (Asterisk tells after the call ends). */
export async function timelineWithRecording(db: Db, callId: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const steps = await timeline(db, callId);
    if (steps.includes('recording') || Date.now() > deadline) return steps;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function callConversation(db: Db, channelId: string, providerCallId: string) {
  return db.selectFrom('conversations').selectAll().where('channel_id', '=', channelId).where('thread_key', '=', providerCallId).executeTakeFirst();
}

/** A signed-in console user over real HTTP (session cookie and CSRF token), for a whole Switchboard started here. */
export interface HttpAgent {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The session cookie, e.g. to open the real-time feed. */
  cookie(): string;
}

/** Gives the agent a password and signs them in to the console at `url`. */
export async function signInAgent(db: Db, url: string, slug: string, userId: string): Promise<HttpAgent> {
  const { hashPassword } = await import('../../console/server/auth/passwords.js');
  const password = 'agent password 1';
  const user = await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', userId)
    .returning('email')
    .executeTakeFirstOrThrow();
  let cookie = '';
  let csrf = '';
  const request = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'x-switchboard-tenant': slug };
    if (cookie) headers.cookie = cookie;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    if (parsed && typeof parsed === 'object' && typeof parsed.csrfToken === 'string' && parsed.csrfToken) csrf = parsed.csrfToken;
    return { status: response.status, body: parsed };
  };
  const signedIn = await request('POST', '/api/session', { email: user.email, password });
  if (signedIn.status !== 200) throw new Error(`sign-in failed: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  return { request, cookie: () => cookie };
}
