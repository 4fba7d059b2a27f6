import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console.js';
import { buildCompany, type Company } from '../../../test/support/console-world.js';

const WEEKDAYS = [[], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], []];

describe('routing rules, business hours and group settings', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: Company;
  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'acme');
    globex = await buildCompany(tc, 'globex');
  });
  afterAll(() => tc.stop());

  it("saves rules the router's schema accepts, in order, and refuses another company's groups", async () => {
    const admin = acme.clients.admin;
    const vip = await admin.post('/api/routing-rules', {
      name: 'VIP to sales',
      conditions: [{ type: 'contact_tag', anyOf: ['vip'] }],
      actions: { groupId: acme.groups.sales, priority: 10 },
    });
    expect(vip.status, JSON.stringify(vip.body)).toBe(201);
    const rest = await admin.post('/api/routing-rules', { name: 'Everyone else', conditions: [], actions: { groupId: acme.groups.support } });
    expect((await admin.get('/api/routing-rules')).body.rules.map((r: { name: string }) => r.name)).toEqual(['VIP to sales', 'Everyone else']);
    expect((await admin.put('/api/routing-rules/order', { ids: [rest.body.id, vip.body.id] })).status).toBe(200);
    expect((await admin.get('/api/routing-rules')).body.rules.map((r: { name: string }) => r.name)).toEqual(['Everyone else', 'VIP to sales']);
    expect((await admin.put('/api/routing-rules/order', { ids: [rest.body.id] })).body.issues[0].field).toBe('ids');

    const bad = await admin.post('/api/routing-rules', { name: 'Bad', conditions: [{ type: 'moon_phase' }], actions: { priority: 1000 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['actions.priority']));
    const foreign = await admin.post('/api/routing-rules', { name: 'Foreign', conditions: [], actions: { groupId: globex.groups.sales } });
    expect(foreign.body.issues[0].field).toBe('actions.groupId');
    expect((await acme.clients.salesAgent.get('/api/routing-rules')).status).toBe(403);
    expect((await globex.clients.admin.get('/api/routing-rules')).body.rules).toEqual([]);
  });

  it('accepts only channel types a connector declares, and lists them for the picker', async () => {
    const admin = acme.clients.admin;
    const types = await admin.get('/api/routing-rules/channel-types');
    expect(types.status).toBe(200);
    expect(types.body.types).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'web' }), expect.objectContaining({ type: 'email' })]));
    const free = await admin.post('/api/routing-rules', {
      name: 'Chat',
      conditions: [{ type: 'channel', channelTypes: ['Web chat'] }],
      actions: { priority: 1 },
    });
    expect(free.status).toBe(400);
    expect(free.body.issues[0].field).toBe('conditions.0.channelTypes.0');
    const chat = await admin.post('/api/routing-rules', { name: 'Chat', conditions: [{ type: 'channel', channelTypes: ['web'] }], actions: { priority: 1 } });
    expect(chat.status).toBe(201);
    const edited = await admin.patch(`/api/routing-rules/${chat.body.id}`, { conditions: [{ type: 'channel', channelTypes: ['email', 'WeChat'] }] });
    expect(edited.status).toBe(400);
    expect(edited.body.issues[0].field).toBe('conditions.0.channelTypes.1');
    expect((await admin.delete(`/api/routing-rules/${chat.body.id}`)).status).toBe(204);

    // SLA policies match channel types too, and are edited in place.
    const policy = { name: 'Chat', targets: { normal: { firstResponse: 10 } }, match: { channelTypes: ['Web chat'] } };
    const refused = await admin.post('/api/sla-policies', policy);
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].field).toBe('match.channelTypes.0');
    const sla = await admin.post('/api/sla-policies', { ...policy, match: { channelTypes: ['web'] } });
    expect(sla.status).toBe(201);
    const changed = await admin.put(`/api/sla-policies/${sla.body.id}`, { ...policy, name: 'Chat and mail', match: { channelTypes: ['web', 'email'] } });
    expect(changed.body).toMatchObject({ name: 'Chat and mail', match: { channelTypes: ['web', 'email'] } });
    expect((await admin.put(`/api/sla-policies/${sla.body.id}`, { ...policy, match: { channelTypes: ['web', 'mail'] } })).body.issues[0].field).toBe(
      'match.channelTypes.1',
    );
    expect((await acme.clients.admin.delete(`/api/sla-policies/${sla.body.id}`)).status).toBe(204);
  });

  it('refuses an unknown time zone when a calendar is changed, naming the field', async () => {
    const admin = acme.clients.admin;
    const calendar = await admin.post('/api/business-hours', { name: 'Zone check', timeZone: 'Asia/Shanghai', weeklyHours: WEEKDAYS });
    const bad = await admin.patch(`/api/business-hours/${calendar.body.id}`, { timeZone: 'Beijing time' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['timeZone']);
    expect((await admin.patch(`/api/business-hours/${calendar.body.id}`, { timeZone: 'Europe/Berlin' })).body.timeZone).toBe('Europe/Berlin');
    expect((await admin.delete(`/api/business-hours/${calendar.body.id}`)).status).toBe(204);
  });

  it('keeps business-hours calendars with holidays and checks time zones and clock times', async () => {
    const admin = acme.clients.admin;
    const calendar = await admin.post('/api/business-hours', { name: 'Shanghai office', timeZone: 'Asia/Shanghai', weeklyHours: WEEKDAYS });
    expect(calendar.status).toBe(201);
    const withHolidays = await admin.put(`/api/business-hours/${calendar.body.id}/holidays`, { holidays: [{ day: '2027-02-06', name: 'Spring festival' }] });
    expect(withHolidays.body.holidays).toEqual([{ day: '2027-02-06', name: 'Spring festival' }]);
    const bad = await admin.post('/api/business-hours', { name: 'X', timeZone: 'Mars/Olympus', weeklyHours: [[['9', '25:00']]] });
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['timeZone', 'weeklyHours', 'weeklyHours.0.0.0', 'weeklyHours.0.0.1'].sort());

    const group = await admin.patch(`/api/groups/${acme.groups.sales}`, {
      calendarId: calendar.body.id,
      overflowGroupId: acme.groups.support,
      overflowAfterSeconds: 120,
      maxQueueLength: 20,
    });
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({ calendarId: calendar.body.id, overflowGroupId: acme.groups.support, overflowAfterSeconds: 120, maxQueueLength: 20 });
    expect((await admin.patch(`/api/groups/${acme.groups.sales}`, { overflowGroupId: acme.groups.sales })).body.issues[0].field).toBe('overflowGroupId');
    const theirs = await globex.clients.admin.post('/api/business-hours', { name: 'Theirs', timeZone: 'Europe/Berlin', weeklyHours: WEEKDAYS });
    expect((await admin.patch(`/api/groups/${acme.groups.sales}`, { calendarId: theirs.body.id })).body.issues[0].field).toBe('calendarId');
    expect((await admin.delete(`/api/business-hours/${theirs.body.id}`)).status).toBe(404);
  });
});
