import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../app/modules.js';
import type { FeatureModule } from '../app/module.js';
import { startProcess } from '../app/start.js';
import { route } from '../console/server/api/route.js';
import { loadConfig } from '../core/config/config.js';
import { createLogger } from '../core/log/logger.js';
import { addAgent, addGroup, createWorld, envelope, publishInbound, setDefaultGroup, waitFor } from './support/router-world.js';

/**
 * A feature module added the way docs/architecture.md says (one entry beside MODULES): its API
 * route is served with the console's access checks and described in the OpenAPI document, its
 * part runs in the processes of its role only, and its inbound step sees each message between
 * thread and route, without a line of another module changed.
 */
describe('a feature module registered in the composition root', () => {
  it('is served, started by role and run in the inbound pipeline', async () => {
    const seen: string[] = [];
    const started: string[] = [];
    const knowledgeBase: FeatureModule = {
      name: 'knowledge-base',
      roles: ['router'],
      inbound: [
        {
          name: 'knowledge-base',
          steps: [
            {
              place: { before: 'route' },
              step: { name: 'suggest-articles', run: async (batch) => void seen.push(...batch.threaded.map((t) => t.conversation.id)) },
            },
          ],
        },
      ],
      apiRoutes: () => [
        route({
          method: 'get',
          path: '/kb/articles',
          summary: 'Knowledge base articles',
          tag: 'knowledge base',
          access: { signedIn: true },
          handler: ({ c }) => c.json({ articles: [] }),
        }),
      ],
      start: async () => {
        started.push('knowledge-base');
        return { name: 'knowledge-base', stop: async () => void started.push('stopped') };
      },
    };
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-module-')), PORT: '0', HOST: '127.0.0.1', INBOUND_SHARDS: '1' });
    const running = await startProcess(config, ['console', 'router'], createLogger('silent'), [...MODULES, knowledgeBase]);
    try {
      expect(started).toEqual(['knowledge-base']);
      const db = running.ctx.database.db;
      const world = await createWorld(db, 'kb');
      const group = await addGroup(world, 'Support');
      await setDefaultGroup(world, group);
      await addAgent(world, 'Li', { groups: [group] });
      await publishInbound(running.ctx.bus, config.inboundShards, envelope(world, { from: 'visitor', text: '怎么退货？' }));
      const conversation = await waitFor(() =>
        db.selectFrom('conversations').select('id').where('tenant_id', '=', world.tenantId).where('status', '=', 'assigned').executeTakeFirst(),
      );
      expect(seen).toEqual([conversation.id]);

      const anonymous = await fetch(`${running.url}/api/kb/articles`, { headers: { 'x-switchboard-tenant': 'kb' } });
      expect(anonymous.status).toBe(401);
      const described = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(described.paths)).toContain('/api/kb/articles');
    } finally {
      await running.stop();
    }
    expect(started).toEqual(['knowledge-base', 'stopped']);
  });
});
