import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownContactName } from '../console/web/src/lib/contact-name.js';
import type { MessageKey } from '../console/web/src/i18n/en.js';
import { translate, type Language, type Params } from '../console/web/src/i18n/translate.js';
import type { Db } from '../core/db/database.js';
import { visitorName, visitorNumber } from '../core/domain/contact-name.js';
import { backfillVisitorNames } from '../migrations/0024_visitor_names_status_policy.js';
import { createWorld, type World } from './support/router-world.js';
import { freshDatabase } from './support/services.js';

const t = (language: Language) => (key: MessageKey, params?: Params) => translate(language, key, params);

describe('a made-up visitor name in the agent’s language', () => {
  it('reads "访客 4821 · Chrome" in the Chinese console and as stored in the English one', () => {
    const stored = visitorName('visitor-abc', { city: 'Shanghai', browser: 'Chrome' });
    const number = visitorNumber('visitor-abc');
    expect(stored).toBe(`Visitor ${number} · Shanghai · Chrome`);
    expect(shownContactName(stored, t('zh'))).toBe(`访客 ${number} · Shanghai · Chrome`);
    expect(shownContactName(stored, t('en'))).toBe(stored);
    expect(shownContactName(visitorName('x', {}), t('zh'))).toBe(`访客 ${visitorNumber('x')}`);
  });

  it('leaves a name the customer gave alone, even one that starts like ours', () => {
    expect(shownContactName('Visitor Centre Shop', t('zh'))).toBe('Visitor Centre Shop');
    expect(shownContactName('李雷', t('zh'))).toBe('李雷');
    expect(shownContactName(null, t('zh'))).toBe(translate('zh', 'inbox.anonymous'));
  });
});

/** Migration 0024: contacts from before generated names get one, made exactly as new ones are. */
describe('backfill of nameless contacts', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    db = handle.db;
    world = await createWorld(db, 'backfill-co');
  }, 60_000);
  afterAll(() => handle?.drop());

  const contact = async (name: string | null, attributes: Record<string, unknown>, externalIds: string[]) => {
    const row = await db
      .insertInto('contacts')
      .values({ tenant_id: world.tenantId, name, attributes: JSON.stringify(attributes) })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const externalId of externalIds) {
      await db
        .insertInto('contact_identities')
        .values({ tenant_id: world.tenantId, contact_id: row.id, channel_id: world.channelId, external_id: externalId })
        .execute();
    }
    return row.id;
  };
  const nameOf = async (id: string) => (await db.selectFrom('contacts').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;

  it('names every nameless contact as the router would, and leaves given names alone', async () => {
    const web = await contact(null, { city: 'Hangzhou', browser: 'Safari' }, ['web-visitor-1']);
    const blank = await contact('  ', { browser: 'Chrome', city: 42 }, ['wx-openid-7']);
    const bare = await contact('Visitor', {}, ['tg-99']);
    const imported = await contact(null, {}, []);
    const named = await contact('Li Lei', {}, ['web-visitor-2']);
    await sql.raw(backfillVisitorNames).execute(db);
    expect(await nameOf(web)).toBe(visitorName('web-visitor-1', { city: 'Hangzhou', browser: 'Safari' }));
    expect(await nameOf(blank)).toBe(visitorName('wx-openid-7', { browser: 'Chrome' }));
    expect(await nameOf(bare)).toBe(visitorName('tg-99', {}));
    expect(await nameOf(imported)).toBe(visitorName(imported, {}));
    expect(await nameOf(named)).toBe('Li Lei');
    // Nobody is left a bare "Visitor".
    const left = await db
      .selectFrom('contacts')
      .select('id')
      .where('tenant_id', '=', world.tenantId)
      .where((eb) => eb.or([eb('name', 'is', null), eb('name', '=', ''), eb('name', '=', 'Visitor')]))
      .execute();
    expect(left).toEqual([]);
  });
});
