import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMQP_URL, DATABASE_URL, eventually } from '../support/services.js';
import { startPublicServer, whatsappSignature, whatsappText, type PublicServer } from '../support/public-entries.js';

/** Text a customer or an agent might really send: Chinese, emoji (surrogate pairs in UTF-16) and accents. */
const VALID = '你好，我的包裹 📦 到哪了？🚚 café';

/** The bodies PostgreSQL cannot store, each built around where the text goes. */
const badBodies = (json: (text: string) => Record<string, unknown>) => ({
  'U+0000': Buffer.from(JSON.stringify(json('before\u0000after'))),
  'a lone surrogate': Buffer.from(JSON.stringify(json('broken \uD800 emoji'))),
  'invalid UTF-8': (() => {
    const [head, tail] = JSON.stringify(json('MARK')).split('MARK') as [string, string];
    return Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]);
  })(),
  '5,000 levels of JSON': Buffer.from(JSON.stringify(json('deep')).replace(/}$/, `,"nested":${'['.repeat(5000)}${']'.repeat(5000)}}`)),
});

/** Where a refusal must point: the text's field, or the body itself for bytes and depth. */
const fieldFor = (kind: string, textField: string) => (kind === 'U+0000' || kind === 'a lone surrogate' ? textField : 'body');

/**
 * Accepted, then lost: an answer of 2xx must mean the text can be stored. Every public entry
 * refuses, with a 400 naming the field, what PostgreSQL cannot store — and nothing of it reaches
 * the router — while real text in any script is taken and stored as it was sent.
 */
describe.skipIf(!DATABASE_URL || !AMQP_URL)('a 2xx means stored', () => {
  let server: PublicServer;
  let db: pg.Client;
  let visitorToken: string;
  let n = 0;
  const id = (prefix: string) => `${prefix}-${Date.now()}-${++n}`;

  beforeAll(async () => {
    server = await startPublicServer();
    db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    const session = await fetch(`${server.url}/widget/${server.web.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    visitorToken = ((await session.json()) as { token: string }).token;
  }, 180_000);
  afterAll(async () => {
    await db?.end();
    await server?.stop();
  });

  const post = async (path: string, body: Buffer, headers: Record<string, string>) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: new Uint8Array(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const storedWith = async (channelId: string, needle: string) =>
    (await db.query(`SELECT content FROM messages WHERE channel_id = $1 AND content::text LIKE '%' || $2 || '%'`, [channelId, needle])).rows;

  const entries = [
    {
      name: 'the web chat',
      channel: () => server.web.id,
      textField: 'text',
      json: (text: string) => ({ clientMessageId: id('web-msg'), text }),
      send: (body: Buffer) => post(`/widget/${server.web.publicKey}/messages`, body, { authorization: `Bearer ${visitorToken}` }),
      accepted: 202,
    },
    {
      name: 'the app API',
      channel: () => server.app.id,
      textField: 'text',
      json: (text: string) => ({ clientMessageId: id('app-msg'), user: { id: 'customer-7', name: 'Li Lei' }, text }),
      send: (body: Buffer) => post(`/hooks/${server.app.id}/messages`, body, { authorization: `Bearer ${server.app.apiKey}` }),
      accepted: 202,
    },
    {
      name: 'a WhatsApp webhook',
      channel: () => server.whatsapp.id,
      textField: 'entry.0.changes.0.value.messages.0.text.body',
      json: (text: string) => whatsappText(`wamid.${id('wa')}`, text),
      send: (body: Buffer) => post(`/hooks/${server.whatsapp.id}`, body, { 'x-hub-signature-256': whatsappSignature(body) }),
      accepted: 200,
    },
  ];

  for (const entry of entries) {
    for (const [kind, body] of Object.entries(badBodies(entry.json))) {
      it(`${entry.name} refuses ${kind} with a 400 naming the field`, async () => {
        const answer = await entry.send(body);
        expect(answer.status).toBe(400);
        expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain(fieldFor(kind, entry.textField));
      });
    }

    it(`${entry.name} takes Chinese and emoji, answers ${entry.accepted} and stores them as sent`, async () => {
      const marker = id('ok');
      const answer = await entry.send(Buffer.from(JSON.stringify(entry.json(`${VALID} ${marker}`))));
      expect(answer.status).toBe(entry.accepted);
      const stored = await eventually(async () => (await storedWith(entry.channel(), marker))[0]);
      expect(JSON.stringify(stored.content)).toContain(`${VALID} ${marker}`);
    });
  }

  it('nothing refused reached the router: no message of the refused kinds is stored', async () => {
    // Refused bodies carried "before", "broken" and "deep"; none may be stored under any channel.
    const rows = await db.query(`SELECT content FROM messages WHERE content::text ~ '(before|broken|deep)'`);
    expect(rows.rows).toEqual([]);
  });

  describe('the console API', () => {
    const json = (value: unknown) => JSON.stringify(value);

    it('refuses U+0000 and a lone surrogate in a contact’s name with a 400 naming the field, and stores real names', async () => {
      for (const name of ['Wang\u0000Fang', 'Wang \uD83D Fang']) {
        const answer = await server.api('POST', '/api/contacts', json({ name }));
        expect(answer.status).toBe(400);
        expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain('name');
      }
      const created = await server.api('POST', '/api/contacts', json({ name: '王芳 🌸' }));
      expect(created.status).toBe(201);
      expect((await db.query('SELECT name FROM contacts WHERE id = $1', [created.body.id])).rows[0].name).toBe('王芳 🌸');
    });

    it('refuses invalid UTF-8 and 5,000 levels of JSON with a 400 naming the body', async () => {
      const invalid = Buffer.concat([Buffer.from('{"name":"Wang '), Buffer.from([0xff]), Buffer.from('"}')]);
      const deep = `{"name":"deep","attributes":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
      for (const body of [invalid, deep]) {
        const answer = await server.api('POST', '/api/contacts', body);
        expect(answer.status).toBe(400);
        expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain('body');
      }
    });

    it('refuses U+0000 and a lone surrogate in a reply and in a ticket’s subject', async () => {
      const conversation = await eventually(
        async () => (await db.query('SELECT conversation_id FROM messages WHERE channel_id = $1 LIMIT 1', [server.web.id])).rows[0]?.conversation_id,
      );
      for (const text of ['hello\u0000', 'hello \uDC00']) {
        const reply = await server.api('POST', `/api/conversations/${conversation}/messages`, json({ clientId: id('reply'), text }));
        expect(reply.status).toBe(400);
        expect(reply.body.issues.map((i: { field: string }) => i.field)).toContain('text');
        const ticket = await server.api('POST', '/api/tickets', json({ subject: text, conversationId: conversation }));
        expect(ticket.status).toBe(400);
        expect(ticket.body.issues.map((i: { field: string }) => i.field)).toContain('subject');
      }
      const ticket = await server.api('POST', '/api/tickets', json({ subject: `退货 ${VALID}`, conversationId: conversation }));
      expect(ticket.status).toBe(201);
    });

    it('refuses a search for U+0000, an encoded lone surrogate or invalid UTF-8 with a 400 naming q, and searches real text', async () => {
      for (const q of ['%00', 'a%00b', '%ED%A0%80', '%FF']) {
        const answer = await server.api('GET', `/api/search?q=${q}`);
        expect(answer.status).toBe(400);
        expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain('q');
      }
      const found = await server.api('GET', `/api/search?q=${encodeURIComponent('王芳')}`);
      expect(found.status).toBe(200);
      expect(JSON.stringify(found.body)).toContain('王芳');
    });
  });
});
