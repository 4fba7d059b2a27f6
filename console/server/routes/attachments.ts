import { z } from 'zod';
import { AttachmentStore, UnsupportedFileError } from '../../../core/attachments/store.js';
import { NotFoundError } from '../../../core/errors.js';
import { readBody } from '../../../core/http/body.js';
import { idParams } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { mayReadAttachment } from '../conversations/attachments.js';
import { visibleConversation } from './conversations.js';

/** The largest file an agent may send. */
export const MAX_AGENT_UPLOAD_BYTES = 25 * 1024 * 1024;

const VIEW_ANY = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;

/**
 * Types a browser may be handed as they are: they cannot run script in the console's origin.
 * Everything else (HTML, SVG, XML, scripts, unknown) is served as `application/octet-stream`.
 */
const SAFE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'application/pdf',
  'text/plain',
  'text/csv',
]);
const safeType = (mimeType: string) => (SAFE_TYPES.has(mimeType) || /^(audio|video)\/[a-z0-9.+-]+$/.test(mimeType) ? mimeType : 'application/octet-stream');

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), the plain name reduced to ASCII. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * Agents' files: an upload for a reply (kept on the conversation's channel, owned by the agent,
 * sent with the reply as an `attachmentId` part) and the download of any file the agent may see.
 */
export function attachmentRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/conversations/:id/attachments',
      tag: 'conversations',
      summary: 'Upload a file to send in a reply: the raw bytes as the body, the file name in ?name=; answers its attachment id',
      access: { permission: 'conversations.reply' },
      params: idParams,
      query: z.object({ name: z.string().trim().min(1).max(255) }),
      responds: 'the stored file: { id, name, mimeType, size }',
      raw: true,
      maxBodyBytes: MAX_AGENT_UPLOAD_BYTES,
      handler: async ({ c, ctx, tenant, auth, params, query }) => {
        const conversation = await visibleConversation(ctx.database.db, auth.principal, params.id);
        const bytes = await readBody(c, MAX_AGENT_UPLOAD_BYTES);
        const store = new AttachmentStore(ctx.database.db, ctx.config.dataDir);
        const file = await store.put(tenant.id, conversation.channel_id, {
          owner: `agent:${auth.principal.userId}`,
          name: query.name,
          bytes,
          declaredType: c.req.header('content-type'),
          maxBytes: MAX_AGENT_UPLOAD_BYTES,
        });
        return c.json({ id: file.id, name: file.name, mimeType: file.mimeType, size: file.size }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/attachments/:id',
      tag: 'conversations',
      summary: 'Download a file of a conversation the caller may see (always as an attachment, with a type that cannot run in the page)',
      access: VIEW_ANY,
      params: idParams,
      responds: 'the file’s bytes',
      raw: true,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const store = new AttachmentStore(ctx.database.db, ctx.config.dataDir);
        const info = await store.info(tenant.id, params.id);
        if (!(await mayReadAttachment(ctx.database.db, auth.principal, info))) throw new NotFoundError('attachment');
        const { file, bytes } = await store.read(tenant.id, info.id);
        return c.body(new Uint8Array(bytes), 200, {
          'content-type': safeType(file.mimeType),
          'content-disposition': contentDisposition(file.name),
          'content-length': String(bytes.length),
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'private, max-age=3600',
        });
      },
    }),
  ];
}
