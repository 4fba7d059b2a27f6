import { Writable } from 'node:stream';
import type { ChannelContext } from '../../core/connector/define.js';
import type { Db } from '../../core/db/database.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { createLogger } from '../../core/log/logger.js';
import { emailConfig, type EmailConfig } from '../../connectors/email/config.js';
import { normalizeEmail } from '../../connectors/email/normalize.js';
import { processInbound } from '../../router/pipeline/process-batch.js';
import { inboundPipeline } from '../../app/pipeline.js';
import { tmpdir } from 'node:os';
import { connectorPlatform } from '../../core/connector/platform.js';

/** An e-mail channel of a company, as the e-mail connector would see it. */
export async function emailChannel(db: Db, tenantId: string, address = 'support@shop.example') {
  const channel = await db
    .insertInto('channels')
    .values({ tenant_id: tenantId, type: 'email', name: 'Support mail', config: JSON.stringify({ fromAddress: address }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ctx = {
    channel: { id: channel.id, tenantId, type: 'email', name: 'Support mail', publicKey: null },
    config: emailConfig.parse({ fromAddress: address, imapHost: 'imap.example', imapUser: 'u', imapPassword: 'p', smtpHost: 'smtp.example' }),
    logger: createLogger('error', new Writable({ write: (_c, _e, done) => done() })),
    db,
    platform: connectorPlatform(db, { id: channel.id, tenantId, type: 'email' }, { secretKey: Buffer.alloc(32, 1), dataDir: tmpdir() }),
  } as unknown as ChannelContext<EmailConfig>;
  let uid = 1;
  /**
   * Receives a raw mail the way the channel does: the connector's own parsing and threading
   * (In-Reply-To, References, the subject token), then the router's inbound pipeline.
   */
  async function receive(raw: string): Promise<void> {
    const payload = { uidValidity: '1', uid: uid++, folder: 'INBOX', raw: Buffer.from(raw).toString('base64') };
    const messages = await normalizeEmail(payload, ctx);
    const envelopes: InboundEnvelope[] = messages.map((message) => ({
      version: 1,
      tenantId,
      channelId: channel.id,
      channelType: 'email',
      receivedAt: new Date().toISOString(),
      message,
    }));
    await db.transaction().execute((trx) => processInbound(trx, envelopes, { pipeline: inboundPipeline }));
  }
  return { channelId: channel.id, receive };
}

/** Polls until `check` gives a value (work done by a background consumer), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
