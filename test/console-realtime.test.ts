import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../console/server/auth/passwords.js';
import { openPgDatabase } from '../core/db/pg/pg-database.js';
import type { DatabaseHandle } from '../core/db/database.js';
import { FeedClient } from './support/console.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from './support/services.js';

/** A browser against one process: keeps the cookie and the CSRF token. */
class Browser {
  cookie: string | undefined;
  csrfToken: string | undefined;
  readonly slug = 'acme';
  constructor(readonly baseUrl: string) {}
  async call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { 'x-switchboard-tenant': this.slug, 'content-type': 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const cookie = response.headers.get('set-cookie');
    if (cookie) this.cookie = cookie.split(';')[0];
    const json = (await response.json()) as any;
    if (json?.csrfToken) this.csrfToken = json.csrfToken;
    return { status: response.status, body: json };
  }
}

describe.skipIf(!DATABASE_URL || !AMQP_URL)('real time across console processes', () => {
  const children: ChildProcess[] = [];
  const feeds: FeedClient[] = [];
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let handle: DatabaseHandle;
  let urls: [string, string];

  function startConsoleProcess(): Promise<string> {
    const child = spawn(process.execPath, ['console/cli/dev.mjs', 'start', '--role', 'console'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-console-')),
        DATABASE_URL: database.url,
        AMQP_URL: AMQP_URL!,
        BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
        BUS_NAMESPACE,
        SECRET_KEY: 'ef'.repeat(32),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    return eventually(() => /"url":"(http:[^"]+)"/.exec(output)?.[1], { timeoutMs: 30_000 }) as Promise<string>;
  }

  beforeAll(async () => {
    database = await emptyPgDatabase();
    // One after the other: the first applies the migrations.
    const first = await startConsoleProcess();
    urls = [first, await startConsoleProcess()];
    handle = openPgDatabase(database.url, 2);
  });
  afterAll(async () => {
    for (const feed of feeds) feed.close();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await handle?.close();
    await database?.drop();
  });

  it('delivers to agents on each process the events caused on the other, only to those who may see them', async () => {
    const [a, b] = urls;
    const admin = new Browser(a);
    const signUp = await admin.call('POST', '/api/signup', {
      companyName: 'Acme',
      slug: 'acme',
      name: 'Ada',
      email: 'ada@acme.example',
      password: 'admin password 1',
    });
    expect(signUp.status).toBe(201);
    await admin.call('POST', '/api/session', { email: 'ada@acme.example', password: 'admin password 1' });
    const tenantId = signUp.body.tenant.id as string;

    // Two agents in two groups, a channel, and one conversation in each group.
    const db = handle.db;
    const agentRole = (await db.selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow()).id;
    const sales = (await admin.call('POST', '/api/groups', { name: 'Sales' })).body.id as string;
    const support = (await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Support').executeTakeFirstOrThrow()).id;
    const passwordHash = await hashPassword('agent password 1');
    const agent = async (email: string, groupId: string) => {
      const user = await db
        .insertInto('users')
        .values({ tenant_id: tenantId, email, name: email, role_id: agentRole, password_hash: passwordHash, account_status: 'active' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('group_members').values({ tenant_id: tenantId, group_id: groupId, user_id: user.id }).execute();
    };
    await agent('sales@acme.example', sales);
    await agent('support@acme.example', support);
    const channel = await db.insertInto('channels').values({ tenant_id: tenantId, type: 'app-api', name: 'App' }).returning('id').executeTakeFirstOrThrow();
    const conversation = async (groupId: string, externalId: string) => {
      const contact = await db.insertInto('contacts').values({ tenant_id: tenantId, name: externalId }).returning('id').executeTakeFirstOrThrow();
      await db
        .insertInto('contact_identities')
        .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channel.id, external_id: externalId, display_name: null })
        .execute();
      return (
        await db
          .insertInto('conversations')
          .values({
            tenant_id: tenantId,
            channel_id: channel.id,
            contact_id: contact.id,
            group_id: groupId,
            assignee_id: null,
            subject: null,
            status: 'queued',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    };
    const salesConversation = await conversation(sales, 'customer-1');
    const supportConversation = await conversation(support, 'customer-2');

    const salesAgent = new Browser(b);
    expect((await salesAgent.call('POST', '/api/session', { email: 'sales@acme.example', password: 'agent password 1' })).status).toBe(200);
    const supportAgent = new Browser(b);
    await supportAgent.call('POST', '/api/session', { email: 'support@acme.example', password: 'agent password 1' });

    const adminFeed = await FeedClient.open(a, admin);
    const salesFeed = await FeedClient.open(b, salesAgent);
    const supportFeed = await FeedClient.open(b, supportAgent);
    feeds.push(adminFeed, salesFeed, supportFeed);
    const texts = (feed: FeedClient) => feed.events('message.created').map((e) => e.payload.message.parts[0].text as string);

    // Replies to these waiting conversations take them for the admin, who must be online for that.
    expect((await admin.call('PUT', '/api/agent/status', { status: 'online' })).status).toBe(200);
    // Caused on A, delivered on B.
    expect((await admin.call('POST', `/api/conversations/${salesConversation}/messages`, { clientId: 'from-a', text: 'written on A' })).status).toBe(201);
    await eventually(() => texts(salesFeed).includes('written on A'), { timeoutMs: 10_000 });
    // Caused on B, delivered on A.
    expect((await salesAgent.call('POST', `/api/conversations/${salesConversation}/messages`, { clientId: 'from-b', text: 'written on B' })).status).toBe(201);
    await eventually(() => texts(adminFeed).includes('written on B'), { timeoutMs: 10_000 });
    // A support conversation event, caused on A, reaches the support agent on B and not the sales agent beside them.
    await admin.call('POST', `/api/conversations/${supportConversation}/messages`, { clientId: 'support-a', text: 'for support' });
    await eventually(() => texts(supportFeed).includes('for support'), { timeoutMs: 10_000 });
    await eventually(() => texts(adminFeed).includes('for support'));
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(salesFeed).sort()).toEqual(['written on A', 'written on B']);
    expect(texts(supportFeed)).toEqual(['for support']);
    // Each event reaches each socket once, though both processes run an outbox relay.
    expect(texts(adminFeed).sort()).toEqual(['for support', 'written on A', 'written on B']);
  });
});
