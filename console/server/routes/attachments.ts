import { z } from 'zod';
import { fileAnswer } from '../../../core/attachments/serve.js';
import { AttachmentStore, UnsupportedFileError } from '../../../core/attachments/store.js';
import { VOICE_MAX_BYTES, VOICE_MAX_SECONDS, VOICE_TYPES } from '../../../core/attachments/voice.js';
import { NotFoundError } from '../../../core/errors.js';
import { readBody } from '../../../core/http/body.js';
import { idParams } from '../api/checks.js';
import { answer } from '../api/answers.js';
import { route, type AnyRoute } from '../api/route.js';
import { mayReadAttachment } from '../conversations/attachments.js';
import { visibleConversation } from './conversations.js';

/** The largest file an agent may send. */
export const MAX_AGENT_UPLOAD_BYTES = 25 * 1024 * 1024;

const VIEW_ANY = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;

/** A file kept for a reply: send it with the reply as an `attachmentId` part. */
const storedAttachmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    mimeType: z.string().describe('read from the bytes'),
    size: z.number(),
    duration: z.number().optional().describe('seconds, for a voice message'),
  })
  .meta({ id: 'StoredAttachment' });

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
      summary:
        'Upload a file to send in a reply: the raw bytes as the body, the file name in ?name=; answers its attachment id. A voice message recorded in the console adds ?voice=1&duration=<seconds>: only audio is accepted, at most 60 s and 2 MB',
      access: { permission: 'conversations.reply' },
      params: idParams,
      query: z.object({
        name: z.string().trim().min(1).max(255),
        voice: z.literal('1').optional(),
        duration: z.coerce
          .number()
          .min(0)
          .max(VOICE_MAX_SECONDS + 1)
          .optional(),
      }),
      responds: storedAttachmentSchema,
      raw: true,
      maxBodyBytes: MAX_AGENT_UPLOAD_BYTES,
      handler: async ({ c, ctx, tenant, auth, params, query }) => {
        const conversation = await visibleConversation(ctx.database.db, auth.principal, params.id);
        const voice = query.voice === '1';
        const bytes = await readBody(c, voice ? VOICE_MAX_BYTES : MAX_AGENT_UPLOAD_BYTES);
        const store = new AttachmentStore(ctx.database.db, ctx.config.dataDir);
        const file = await store.put(tenant.id, conversation.channel_id, {
          owner: `agent:${auth.principal.userId}`,
          name: query.name,
          bytes,
          declaredType: c.req.header('content-type'),
          maxBytes: voice ? VOICE_MAX_BYTES : MAX_AGENT_UPLOAD_BYTES,
          ...(voice
            ? {
                audio: true,
                allowedTypes: VOICE_TYPES,
                durationMs: query.duration === undefined ? undefined : Math.min(query.duration, VOICE_MAX_SECONDS) * 1000,
              }
            : {}),
        });
        const duration = file.durationMs !== undefined ? { duration: file.durationMs / 1000 } : {};
        return answer(c, storedAttachmentSchema, { id: file.id, name: file.name, mimeType: file.mimeType, size: file.size, ...duration }, 201);
      },
    }),
    route({
      method: 'get',
      path: '/attachments/:id',
      tag: 'conversations',
      summary:
        'Download a file of a conversation the caller may see: its type read from its bytes, shown in place only when a raster image or playable audio or video, never able to run in the page',
      access: VIEW_ANY,
      params: idParams,
      responds: 'the file’s bytes',
      raw: true,
      handler: async ({ ctx, tenant, auth, params }) => {
        const store = new AttachmentStore(ctx.database.db, ctx.config.dataDir);
        const info = await store.info(tenant.id, params.id);
        if (!(await mayReadAttachment(ctx.database.db, auth.principal, info))) throw new NotFoundError('attachment');
        const { file, bytes } = await store.read(tenant.id, info.id);
        return fileAnswer(bytes, { name: file.name, embedders: 'same-origin', cacheControl: 'private, max-age=3600' });
      },
    }),
  ];
}
