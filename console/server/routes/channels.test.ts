import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';
import { reportChannelState } from '../../../core/connector/channel-state.js';

const SECRET = 'a webhook secret nobody may read back';

describe('channels through the connector schema', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it('lists installed types with their settings form and secret fields', async () => {
    const types = await acme.clients.admin.get('/api/channel-types');
    const appApi = types.body.types.find((t: { type: string }) => t.type === 'app-api');
    expect(appApi.secretFields.sort()).toEqual(['signingSecret', 'webhookSecret']);
    expect(appApi.settings.properties).toHaveProperty('webhookUrl');
    expect((await acme.clients.salesAgent.get('/api/channel-types')).status).toBe(403);
  });

  it('creates, configures, disables and enables a channel; secrets are write-only and never logged or audited', async () => {
    const admin = acme.clients.admin;
    const bad = await admin.post('/api/channels', { type: 'app-api', name: 'Shop app', config: { webhookUrl: 'ftp://x', webhookSecret: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['config.webhookSecret', 'config.webhookUrl']);
    expect((await admin.post('/api/channels', { type: 'carrier-pigeon', name: 'X' })).body.issues[0].field).toBe('type');

    const created = await admin.post('/api/channels', {
      type: 'app-api',
      name: 'Shop app',
      config: { webhookUrl: 'https://shop.example/hook', webhookSecret: SECRET },
    });
    expect(created.status).toBe(201);
    const channel = created.body.channel;
    expect(channel.secrets.webhookSecret).toEqual({ set: true });
    expect(channel.webhookUrl).toBe(`http://localhost:3000/hooks/${channel.id}`);
    expect(created.body.apiKey).toBeTruthy();

    const renamed = await admin.patch(`/api/channels/${channel.id}`, { name: 'Shop', config: { webhookTimeoutMs: 5000 } });
    expect(renamed.body).toMatchObject({ name: 'Shop', config: { webhookTimeoutMs: 5000 }, secrets: { webhookSecret: { set: true } } });
    expect((await admin.post(`/api/channels/${channel.id}/disable`)).body.enabled).toBe(false);
    expect((await admin.post(`/api/channels/${channel.id}/enable`)).body.enabled).toBe(true);

    const everything = JSON.stringify([
      (await admin.get('/api/channels')).body,
      (await admin.get(`/api/channels/${channel.id}`)).body,
      (await admin.get('/api/audit-log')).body,
    ]);
    expect(everything).not.toContain(SECRET);
    expect(tc.logs.join('')).not.toContain(SECRET);

    expect((await globex.clients.admin.get(`/api/channels/${channel.id}`)).status).toBe(404);
    expect((await globex.clients.admin.post(`/api/channels/${channel.id}/disable`)).status).toBe(404);
    expect((await globex.clients.admin.get('/api/channels')).body.channels.map((c: { id: string }) => c.id)).not.toContain(channel.id);
  });

  it('tests a channel’s connection with its stored secrets and says what failed; only admins of its company may', async () => {
    const admin = acme.clients.admin;
    const created = await admin.post('/api/channels', {
      type: 'email',
      name: 'Support mailbox',
      config: {
        fromAddress: 'support@acme.test',
        imapHost: '127.0.0.1',
        imapPort: 1,
        imapSecurity: 'none',
        imapUser: 'support',
        imapPassword: 'imap secret',
        smtpHost: 'smtp.no-such-host.invalid',
        smtpSecurity: 'none',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.channel.id;
    const tested = await admin.post(`/api/channels/${id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toEqual({
      ok: false,
      checks: [
        // A closed port and an unknown name read alike: the test must not map the network.
        { name: 'IMAP', ok: false, detail: 'IMAP: could not connect to 127.0.0.1:1 (check the host, the port and the security setting)' },
        { name: 'SMTP', ok: false, detail: 'SMTP: could not connect to smtp.no-such-host.invalid:587 (check the host, the port and the security setting)' },
      ],
    });
    const types = await admin.get('/api/channel-types');
    expect(types.body.types.find((t: { type: string }) => t.type === 'email').connectionTest).toBe(true);
    const appApi = await admin.post('/api/channels', {
      type: 'app-api',
      name: 'No test',
      config: { webhookUrl: 'https://shop.example/hook', webhookSecret: SECRET },
    });
    expect((await admin.post(`/api/channels/${appApi.body.channel.id}/test`)).status).toBe(400);
    expect((await acme.clients.salesAgent.post(`/api/channels/${id}/test`)).status).toBe(403);
    expect((await globex.clients.admin.post(`/api/channels/${id}/test`)).status).toBe(404);
    expect(tc.logs.join('')).not.toContain('imap secret');
  });

  it('shows a bot channel’s state to its admins: the login QR code while waiting for a scan, then the account', async () => {
    const admin = acme.clients.admin;
    const created = await admin.post('/api/channels', { type: 'wechaty', name: 'Shop WeChat', config: { puppet: 'wechaty-puppet-service' } });
    expect(created.status).toBe(201);
    const channel = { id: created.body.channel.id as string, tenantId: acme.tenantId };
    expect((await admin.get(`/api/channels/${channel.id}/state`)).body).toEqual({ state: null });

    await reportChannelState(
      tc.ctx.database.db,
      channel,
      { state: 'waiting_for_scan', qrCode: 'https://login.weixin.qq.com/l/IaysbZa04Q==', detail: 'scan the code' },
      'gw-1',
    );
    const waiting = await admin.get(`/api/channels/${channel.id}/state`);
    expect(waiting.body).toMatchObject({ state: 'waiting_for_scan', qrCode: 'https://login.weixin.qq.com/l/IaysbZa04Q==', holder: 'gw-1' });
    expect(waiting.body.qrSvg).toMatch(/^<svg [^>]*viewBox/);
    expect(waiting.body.qrSvg).not.toMatch(/<script|on\w+=/i);

    await reportChannelState(tc.ctx.database.db, channel, { state: 'logged_in', account: '茶叶小店客服 (wxid_shop)' }, 'gw-1');
    const logged = await admin.get(`/api/channels/${channel.id}/state`);
    expect(logged.body).toMatchObject({ state: 'logged_in', account: '茶叶小店客服 (wxid_shop)' });
    expect(logged.body.qrSvg).toBeUndefined();

    expect((await acme.clients.salesAgent.get(`/api/channels/${channel.id}/state`)).status).toBe(403);
    expect((await globex.clients.admin.get(`/api/channels/${channel.id}/state`)).status).toBe(404);
  });
});
