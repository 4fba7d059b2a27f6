import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { formFields, listen, type UploadedFile } from './http.js';

/**
 * A local WhatsApp Cloud API (Meta Graph API) for tests: `POST /<version>/<phone-number-id>/messages`,
 * `POST /<version>/<phone-number-id>/media` (multipart), `GET /<version>/<media-id>` and the
 * media download URL it hands out (bearer token required, as Meta's is),
 * `GET /<version>/<waba-id>/message_templates`. Errors are Graph errors:
 * `{"error":{"message","type","code","error_data":{"messaging_product","details"},"fbtrace_id"}}`.
 * Point a channel's `apiBaseUrl` at `url`.
 */
export interface FakeGraph {
  url: string;
  token: string;
  phoneNumberId: string;
  businessAccountId: string;
  /** Bodies of accepted POST …/messages, in order, with the wamid each got. */
  messages: { body: Record<string, any>; wamid: string }[];
  uploads: (UploadedFile & { id: string; declaredType: string })[];
  /** Media a customer sent, served by id. */
  addMedia(id: string, bytes: Buffer, mimeType: string): void;
  /** Answers the next …/messages with this Graph error (HTTP 400 unless said). */
  failNext(code: number, message: string, status?: number): void;
  templates: Record<string, unknown>[];
  close(): Promise<void>;
}

/** X-Hub-Signature-256 as Meta computes it: HMAC-SHA256 of the raw body under the app secret. */
export const hubSignature = (appSecret: string, body: Buffer | string) => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

const MESSAGE_TYPES = new Set(['text', 'image', 'document', 'audio', 'video', 'sticker', 'location', 'template', 'interactive', 'contacts', 'reaction']);

export async function fakeGraph(token = `EAAG${randomBytes(24).toString('hex')}`): Promise<FakeGraph> {
  const phoneNumberId = '106540352242922';
  const businessAccountId = '102290129340398';
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const failures: { code: number; message: string; status: number }[] = [];
  const messages: FakeGraph['messages'] = [];
  const uploads: FakeGraph['uploads'] = [];
  const templates: Record<string, unknown>[] = [
    {
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      id: '594425479261596',
      components: [{ type: 'BODY', text: 'Hello {{1}}, your order {{2}} has shipped.', example: { body_text: [['Li', 'A-1']] } }],
    },
  ];
  let base = '';

  const graphError = (c: Context, code: number, message: string, status = 400, type = 'OAuthException') =>
    c.json(
      { error: { message, type, code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: `A${randomBytes(8).toString('hex')}` } },
      status as 400,
    );
  const authorized = (c: Context) => c.req.header('authorization') === `Bearer ${token}`;
  const unauthorized = (c: Context) => graphError(c, 190, 'Invalid OAuth access token - Cannot parse access token', 401);

  const app = new Hono();
  app.get('/whatsapp_business/attachments/', (c) => {
    if (!authorized(c)) return c.body(null, 401);
    const found = media.get(c.req.query('mid') ?? '');
    if (!found) return c.body(null, 404);
    return c.body(new Uint8Array(found.bytes), 200, { 'content-type': found.mimeType });
  });
  app.get('/:version/:id/message_templates', (c) => {
    if (!authorized(c)) return unauthorized(c);
    if (c.req.param('id') !== businessAccountId) return graphError(c, 100, `Unsupported get request. Object with ID '${c.req.param('id')}' does not exist`);
    const status = c.req.query('status');
    return c.json({ data: templates.filter((t) => !status || t.status === status), paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } });
  });
  app.get('/:version/:id', (c) => {
    if (!authorized(c)) return unauthorized(c);
    const id = c.req.param('id');
    const found = media.get(id);
    if (!found)
      return graphError(
        c,
        100,
        `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      );
    return c.json({
      messaging_product: 'whatsapp',
      url: `${base}/whatsapp_business/attachments/?mid=${id}&ext=1&hash=${randomBytes(6).toString('hex')}`,
      mime_type: found.mimeType,
      sha256: createHash('sha256').update(found.bytes).digest('hex'),
      file_size: found.bytes.length,
      id,
    });
  });
  app.post('/:version/:phone/media', async (c) => {
    if (!authorized(c)) return unauthorized(c);
    if (c.req.param('phone') !== phoneNumberId) return graphError(c, 100, 'Invalid parameter');
    const form = await formFields(await c.req.parseBody());
    const file = form.file as UploadedFile | undefined;
    if (form.messaging_product !== 'whatsapp' || !file) return graphError(c, 100, 'The parameter messaging_product and file are required.');
    // Meta's supported audio types: a browser's WebM recording is not one of them.
    if (String(form.type).startsWith('audio/') && !['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'].includes(String(form.type)))
      return graphError(c, 100, 'Invalid parameter');
    const id = String(1_000_000_000_000 + uploads.length);
    uploads.push({ ...file, id, declaredType: String(form.type ?? '') });
    media.set(id, { bytes: file.bytes, mimeType: String(form.type ?? file.type) });
    return c.json({ id });
  });
  app.post('/:version/:phone/messages', async (c) => {
    if (!authorized(c)) return unauthorized(c);
    if (c.req.param('phone') !== phoneNumberId) return graphError(c, 100, 'Invalid parameter');
    const failure = failures.shift();
    if (failure) return graphError(c, failure.code, failure.message, failure.status);
    const body = (await c.req.json().catch(() => null)) as Record<string, any> | null;
    if (body?.messaging_product !== 'whatsapp') return graphError(c, 100, 'The parameter messaging_product is required.');
    if (!body.to) return graphError(c, 100, 'The parameter to is required.');
    const type = body.type ?? 'text';
    if (!MESSAGE_TYPES.has(type) || typeof body[type] !== 'object') return graphError(c, 100, `Param ${type} is required for type ${type}`);
    if (type === 'text' && !(body.text.body?.length > 0)) return graphError(c, 100, 'Param text[body] is required');
    if (type === 'text' && body.text.body.length > 4096) return graphError(c, 100, 'Param text[body] must be at most 4096 characters long.');
    if (['image', 'document', 'audio', 'video', 'sticker'].includes(type) && !body[type].id && !body[type].link)
      return graphError(c, 100, `Param ${type} must have an id or a link`);
    if (type === 'template' && !templates.some((t) => t.name === body.template.name && t.language === body.template.language?.code)) {
      return graphError(c, 132001, '(#132001) Template name does not exist in the translation');
    }
    const wamid = `wamid.${Buffer.from(`${body.to}-${randomBytes(9).toString('hex')}`).toString('base64')}`;
    messages.push({ body, wamid });
    return c.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: body.to }],
      messages: [type === 'template' ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
    });
  });

  const server = await listen(app);
  base = server.url;
  return {
    url: server.url,
    token,
    phoneNumberId,
    businessAccountId,
    messages,
    uploads,
    addMedia: (id, bytes, mimeType) => void media.set(id, { bytes, mimeType }),
    failNext: (code, message, status = 400) => void failures.push({ code, message, status }),
    templates,
    close: server.close,
  };
}
