import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/config.js';
import { createLogger } from '../core/log/logger.js';
import { startProcess } from '../app/start.js';
import { addAgent, addGroup, createWorld, envelope, publishInbound, setDefaultGroup, waitFor } from './support/router-world.js';

describe('the router role in the embedded mode', () => {
  it('routes a message end to end on PGlite and the in-process bus, and stops cleanly', async () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-embedded-')), PORT: '0', HOST: '127.0.0.1', INBOUND_SHARDS: '2' });
    const running = await startProcess(config, ['router'], createLogger('silent'));
    try {
      const db = running.ctx.database.db;
      const world = await createWorld(db, 'embedded');
      const group = await addGroup(world, 'Support');
      await setDefaultGroup(world, group);
      const agent = await addAgent(world, 'Li', { groups: [group] });
      await publishInbound(running.ctx.bus, config.inboundShards, envelope(world, { from: 'visitor', text: '你好' }));
      const conversation = await waitFor(() =>
        db.selectFrom('conversations').selectAll().where('tenant_id', '=', world.tenantId).where('status', '=', 'assigned').executeTakeFirst(),
      );
      expect(conversation.assignee_id).toBe(agent);
      // The relay publishes the events: the outbox empties.
      await waitFor(async () => (await db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).length === 0);
    } finally {
      await running.stop();
    }
  });
});
