import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from '../../test/support/console.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';

describe('the answer bot settings through the API', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: ApiClient;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme-bot');
    globex = (await signUp(tc, 'globex-bot')).admin;
  });
  afterAll(() => tc.stop());

  it('lists every text channel with the defaults, saves a channel’s bot, and refuses others', async () => {
    const path = `/api/assistant/bot/channels/${acme.channelId}`;
    const listed = await acme.clients.admin.get('/api/assistant/bot/channels');
    expect(listed.status).toBe(200);
    expect(listed.body.channels).toEqual([
      expect.objectContaining({ channelId: acme.channelId, enabled: false, maxTurns: 3, minScore: 0.4, handoffKeywords: [], handoffTags: [], hours: 'always' }),
    ]);
    expect(listed.body.builtinHandoffWords).toEqual(expect.arrayContaining(['转人工', 'agent', 'human']));

    const settings = { enabled: true, maxTurns: 2, minScore: 0.7, handoffKeywords: ['投诉'], handoffTags: ['VIP'], hours: 'outside_business_hours' };
    const saved = await acme.clients.admin.put(path, settings);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject(settings);
    expect((await acme.clients.admin.get(path)).body).toMatchObject({ ...settings, channelId: acme.channelId });

    const bad = await acme.clients.admin.put(path, { ...settings, maxTurns: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('maxTurns');
    // Agents read and change nothing; another company does not find the channel.
    expect((await acme.clients.supportAgent.get('/api/assistant/bot/channels')).status).toBe(403);
    expect((await acme.clients.supportAgent.put(path, settings)).status).toBe(403);
    expect((await globex.put(path, settings)).status).toBe(404);
    expect((await globex.get(path)).status).toBe(404);
    expect((await globex.get('/api/assistant/bot/channels')).body.channels).toEqual([]);
  });
});
