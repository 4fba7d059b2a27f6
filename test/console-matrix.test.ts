import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, visibilityOf, type Permission } from '../core/auth/permissions.js';
import type { AnyRoute } from '../console/server/api/route.js';
import { ApiClient, startTestConsole, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';

type RoleKey = 'anonymous' | keyof Company['clients'];
const ROLES: RoleKey[] = ['anonymous', 'admin', 'salesAgent', 'supportAgent', 'ownOnly', 'supervisor'];

/** The conversations each role must never see in its own company (by the world buildCompany makes). */
const INVISIBLE: Record<RoleKey, (keyof Company['conversations'])[]> = {
  anonymous: ['salesQueued', 'supportAssigned', 'ownOnlyAssigned', 'ungrouped'],
  admin: [],
  supervisor: [],
  salesAgent: ['supportAssigned', 'ungrouped'],
  supportAgent: ['salesQueued', 'ownOnlyAssigned', 'ungrouped'],
  ownOnly: ['salesQueued', 'supportAssigned', 'ungrouped'],
};

interface World extends Company {
  ids: Record<string, string>;
  permissions: Record<RoleKey, Set<Permission>>;
}

/** Everything of a company that must not show up in another company's answers. */
function markersOf(company: World): string[] {
  return [
    company.tenantId,
    `@${company.slug}.example`,
    ...Object.values(company.users),
    ...Object.values(company.conversations).flatMap((c) => [c.conversationId, c.contactId, c.text]),
    ...Object.values(company.ids),
  ];
}

function allowed(route: AnyRoute, permissions: Set<Permission> | undefined): boolean {
  const a = route.access;
  if ('public' in a) return true;
  if (!permissions) return false;
  if ('signedIn' in a) return true;
  const p = { permissions };
  if ('permission' in a) return can(p, a.permission);
  return a.anyOf.some((x) => can(p, x));
}

describe('every route × every role × two companies', () => {
  let tc: TestConsole;
  const worlds: World[] = [];

  async function world(slug: string): Promise<World> {
    const company = await buildCompany(tc, slug);
    const admin = company.clients.admin;
    const ids: Record<string, string> = {
      'canned-responses': (await admin.post('/api/canned-responses', { shortcut: 'greet', title: `${slug} greeting`, body: `${slug} canned body` })).body.id,
      'custom-fields': (await admin.post('/api/custom-fields', { key: 'plan', label: `${slug} plan`, type: 'text' })).body.id,
      skills: (await admin.post('/api/skills', { name: `${slug} skill` })).body.id,
      'api-tokens': (await admin.post('/api/api-tokens', { name: `${slug} token`, scopes: ['contacts.view'] })).body.id,
      roles: company.roles.ownOnly,
      groups: company.groups.sales,
      users: company.users.salesAgent,
      conversations: company.conversations.salesQueued.conversationId,
      contacts: company.conversations.salesQueued.contactId,
      channels: company.channelId,
      tickets: (await admin.post('/api/tickets', { conversationId: company.conversations.salesQueued.conversationId, subject: `${slug} ticket` })).body.id,
      'ticket-views': (await admin.post('/api/ticket-views', { name: `${slug} view`, shared: true })).body.id,
      'ticket-fields': (await admin.post('/api/ticket-fields', { key: 'order_no', label: `${slug} order`, type: 'text' })).body.id,
      'sla-policies': (await admin.post('/api/sla-policies', { name: `${slug} sla`, targets: { normal: { firstResponse: 60 } } })).body.id,
      automations: (
        await admin.post('/api/automations', { name: `${slug} rule`, kind: 'trigger', events: ['ticket.created'], actions: [{ type: 'add_tag', tag: 'new' }] })
      ).body.id,
    };
    const permissions = { anonymous: undefined } as unknown as World['permissions'];
    for (const role of ROLES.slice(1)) {
      const me = await company.clients[role as keyof Company['clients']].get('/api/session');
      permissions[role] = new Set(me.body.permissions);
    }
    return { ...company, ids, permissions };
  }

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    worlds.push(await world('acme'), await world('globex'));
  }, 120_000);
  afterAll(() => tc.stop());

  const clientFor = (company: World, role: RoleKey): ApiClient => (role === 'anonymous' ? tc.client(company.slug) : company.clients[role]);
  const pathWith = (route: AnyRoute, id: string) => `/api${route.path.replace(/:id\b/g, id)}`;
  const resourceOf = (route: AnyRoute) => route.path.split('/')[1]!;
  const call = (client: ApiClient, route: AnyRoute, path: string) =>
    client.request(route.method.toUpperCase(), path, route.body ? (route.example ?? {}) : undefined, {}, true);

  function expectNoLeak(text: string, forbidden: string[], what: string) {
    for (const marker of forbidden) expect(text.includes(marker), `${what} leaks ${marker}`).toBe(false);
  }

  it('answers every route with the right status for each role, never a 500, and leaks nothing across companies or past visibility', async () => {
    const routes = tc.part.routes;
    let walked = 0;
    const pairs: [World, World][] = [
      [worlds[0]!, worlds[1]!],
      [worlds[1]!, worlds[0]!],
    ];
    for (const [self, other] of pairs) {
      const foreign = markersOf(other);
      for (const role of ROLES) {
        const client = clientFor(self, role);
        const permissions = self.permissions[role];
        const invisible = INVISIBLE[role].flatMap((k) => [self.conversations[k].conversationId, self.conversations[k].text]);
        if (permissions && visibilityOf({ permissions }) !== 'all') expect(invisible.length, role).toBeGreaterThan(0);
        for (const route of routes) {
          // Signing out here would end the session the rest of the walk needs; sign-out has its own tests.
          if (route.method === 'delete' && route.path === '/session') continue;
          const what = `${role}@${self.slug} ${route.method.toUpperCase()} ${route.path}`;
          const hasId = route.path.includes(':id');

          // 1. Own company: reads with real ids, changes with an id that does not exist.
          const ownId = route.method === 'get' ? (self.ids[resourceOf(route)] ?? randomUUID()) : randomUUID();
          const own = await call(client, route, pathWith(route, ownId));
          walked++;
          expect(own.status, `${what} → ${JSON.stringify(own.body)}`).toBeLessThan(500);
          if (!allowed(route, permissions)) expect(own.status, what).toBe(permissions ? 403 : 401);
          else if (!('public' in route.access)) expect([401, 403], `${what} → ${JSON.stringify(own.body)}`).not.toContain(own.status);
          const ownText = typeof own.body === 'string' ? own.body : JSON.stringify(own.body ?? '');
          expectNoLeak(ownText, [...foreign, ...invisible], what);

          // 2. Own company, the other company's ids: never found, never changed.
          if (hasId && other.ids[resourceOf(route)]) {
            const cross = await call(client, route, pathWith(route, other.ids[resourceOf(route)]!));
            expect([400, 401, 403, 404], `${what} with ${other.slug}'s id → ${cross.status}`).toContain(cross.status);
            expectNoLeak(JSON.stringify(cross.body ?? ''), foreign, `${what} with ${other.slug}'s id`);
          }

          // 3. Own credentials sent to the other company: nobody there.
          if (role !== 'anonymous' && route.tenant !== false && !('public' in route.access)) {
            const borrowed = new ApiClient(tc.app, other.slug, 'header');
            borrowed.cookie = client.cookie;
            borrowed.csrfToken = client.csrfToken;
            const answer = await call(borrowed, route, pathWith(route, other.ids[resourceOf(route)] ?? randomUUID()));
            expect(answer.status, `${what} sent to ${other.slug}`).toBe(401);
          }
        }
      }
    }
    expect(walked).toBe(2 * ROLES.length * (tc.part.routes.length - 1));
    // The other company's rows are all still there.
    for (const w of worlds) {
      const db = tc.ctx.database.db;
      expect(await db.selectFrom('roles').select('id').where('id', '=', w.roles.ownOnly).executeTakeFirst()).toBeDefined();
      expect((await db.selectFrom('users').select('account_status').where('id', '=', w.users.salesAgent).executeTakeFirstOrThrow()).account_status).toBe(
        'active',
      );
      expect((await db.selectFrom('api_tokens').select('revoked_at').where('id', '=', w.ids['api-tokens']!).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    }
  }, 600_000);

  it('describes every route in the OpenAPI document', async () => {
    const doc = await tc.client().get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.0.3');
    const described = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    const served = tc.part.routes.map((r) => `${r.method} /api${r.path.replace(/:([a-z]+)/gi, '{$1}')}`);
    expect(described.sort()).toEqual(served.sort());
    expect(doc.body.paths['/api/users'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'roleId', 'groupIds']),
    );
    const page = await tc.app.request('/api/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('POST /api/conversations/{id}/messages');
  });
});
