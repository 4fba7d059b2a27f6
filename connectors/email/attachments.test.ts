import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { contextFor } from '../../core/connector/channel-context.js';
import { createChannel } from '../../core/connector/channels.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { freshDatabase } from '../../test/support/services.js';
import type { EmailConfig } from './config.js';
import email from './connector.js';
import { normalizeEmail } from './normalize.js';

const mail = readFileSync(new URL('./fixtures/multipart-utf8.eml', import.meta.url));
const fetched = (uid: number, uidValidity = '7') => ({ uidValidity, uid, folder: 'INBOX', raw: mail.toString('base64') });
const filesOf = (parts: { type: string; attachmentId?: string }[]) => parts.filter((p) => p.attachmentId).map((p) => p.attachmentId!);

describe('e-mail attachments', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let bus: MemoryBus;
  let ctx: ChannelContext<EmailConfig>;

  beforeAll(async () => {
    database = await freshDatabase();
    bus = new MemoryBus();
    const deps = testDeps(database.db, bus, [email]);
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, {
      type: 'email',
      name: 'Support',
      config: { fromAddress: 'support@example.test', imapHost: '127.0.0.1', imapUser: 'support', imapPassword: 'secret', smtpHost: '127.0.0.1' },
    });
    const row = await database.db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    ctx = contextFor(deps, email, row);
  });
  afterAll(async () => {
    await bus?.close();
    await database?.drop();
  });

  it('keeps the files of a mail read twice once: a re-read after a crash or a renumbered folder points at the same files', async () => {
    const [first] = await normalizeEmail(fetched(2), ctx);
    const kept = filesOf(first!.parts as never);
    expect(kept.length).toBeGreaterThan(0);
    // Read again: after a crash (same UID) and after a UIDVALIDITY change (another UID).
    const [again] = await normalizeEmail(fetched(2), ctx);
    const [renumbered] = await normalizeEmail(fetched(41, '8'), ctx);
    expect(filesOf(again!.parts as never)).toEqual(kept);
    expect(filesOf(renumbered!.parts as never)).toEqual(kept);
    const rows = await database.db.selectFrom('attachments').select('id').where('channel_id', '=', ctx.channel.id).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...kept].sort());
    // The inline image's cid: in the HTML points at the one kept file.
    const html = String((first!.parts.at(-1) as { data: { html?: string } }).data.html ?? '');
    if (html.includes('attachment:')) expect(kept.some((id) => html.includes(`attachment:${id}`))).toBe(true);
  });
});
