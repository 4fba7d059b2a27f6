import { upgradeWebSocket } from '@hono/node-server';
import { Hono, type Context as HonoContext } from 'hono';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { fileAnswer } from '../../core/attachments/serve.js';
import type { ChannelContext, ConnectorRuntime } from '../../core/connector/define.js';
import { browserFamily } from '../../core/domain/contact-name.js';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import { readBody, refuseDeclaredOversize } from '../../core/http/body.js';
import { errorAnswer } from '../../core/http/error-answer.js';
import { checkQuery, parseJsonBody } from '../../core/http/strict-input.js';
import { slugOfHost } from '../../core/tenancy/host.js';
import { widgetBundle, widgetPanelBundle } from './bundle.js';
import type { WebConfig } from './connector.js';
import { agentsOnline, visitorHistory } from './conversation.js';
import { checkAnswers, preChatQuestions, withinBusinessHours } from './prechat.js';
import { VisitorHub } from './realtime.js';
import { ownedAttachments, readAttachment, storeUpload } from './uploads.js';
import { requireVisitor, sessionSchema, openSession, type Visitor } from './visitors.js';
import { VOICE_MAX_BYTES, storeVoice, voiceQuery, voiceSettings } from './voice.js';

const messageBody = z.object({
  clientMessageId: z.string().min(8).max(100),
  text: z.string().trim().min(1).max(10_000).optional(),
  attachmentIds: z.array(z.uuid()).max(10).optional(),
  /** A custom event the site reports (a page view, a button pressed), shown to agents. */
  event: z.object({ name: z.string().min(1).max(100), data: z.record(z.string(), z.unknown()).optional() }).optional(),
  page: z.string().max(2000).optional(),
});
const offlineBody = z.object({
  clientMessageId: z.string().min(8).max(100),
  name: z.string().max(200).optional(),
  email: z.email(),
  text: z.string().trim().min(1).max(10_000),
});
const receiptBody = z.object({ upTo: z.string().regex(/^\d{1,19}$/), status: z.enum(['delivered', 'read']) });
/** A message of 10,000 characters, every one a JSON escape, with its page and event, fits. */
const MAX_JSON_BYTES = 256 * 1024;

/**
 * The web chat's endpoints under `/widget`: the script, the channel's public settings, visitor
 * sessions, messages, uploads, typing, receipts, history, and the live feed over WebSocket with
 * Server-Sent Events as the fallback. Every route but the script is `/<publicKey>/...`.
 */
export async function createWidgetApp(runtime: ConnectorRuntime): Promise<Hono> {
  const hub = new VisitorHub(runtime.eventReads, runtime.logger);
  await hub.start(runtime.bus);
  const app = new Hono();
  app.onError((error, c) => widgetError(runtime, c, error));
  app.use('*', cors({ origin: (origin) => origin || '*', allowHeaders: ['authorization', 'content-type'], maxAge: 600 }));
  app.use('*', async (c, next) => {
    checkQuery(c.req.url);
    await next();
  });

  // The loader (launcher, badge, proactive greeting) and the panel it loads when the visitor opens the chat.
  for (const [path, load] of [
    ['/widget.js', widgetBundle],
    ['/widget-panel.js', widgetPanelBundle],
  ] as const) {
    app.get(path, async (c) => {
      const bundle = await load();
      if (c.req.header('if-none-match') === bundle.etag) return c.body(null, 304);
      return c.body(bundle.code, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300', etag: bundle.etag });
    });
  }

  const channel = async (c: HonoContext): Promise<ChannelContext<WebConfig>> => {
    const ctx = await runtime.channelByPublicKey(c.req.param('key') ?? '');
    if (ctx?.channel.type !== 'web') throw new NotFoundError('chat');
    // Under a company's own host only that company's chats answer: another company's files would
    // otherwise be served on its origin.
    const hostSlug = slugOfHost(c.req.header('host'), runtime.config.baseHost);
    if (hostSlug !== undefined && !(await ctx.platform.company.hasSlug(hostSlug))) throw new NotFoundError('chat');
    const origin = c.req.header('origin');
    const allowed = (ctx.config as WebConfig).allowedOrigins;
    if (origin && allowed.length > 0 && !allowed.some((a) => new URL(a).origin === origin)) throw new ForbiddenError('this site may not embed the chat');
    return ctx as ChannelContext<WebConfig>;
  };
  const visitorOf = (c: HonoContext, ctx: ChannelContext<WebConfig>) => requireVisitor(ctx, c.req.header('authorization'), c.req.query('token'));
  const json = async (c: HonoContext) => parseJsonBody(await readBody(c, MAX_JSON_BYTES));

  app.get('/:key/config', async (c) => {
    const ctx = await channel(c);
    const { title, color, greeting, locale, texts, preChatMode, identityMode, maxUploadBytes, allowedMimeTypes, proactive } = ctx.config;
    const [preChatFields, online, open, helpCenter] = await Promise.all([
      preChatQuestions(ctx),
      agentsOnline(ctx),
      withinBusinessHours(ctx),
      ctx.platform.company.helpCenter(),
    ]);
    return c.json({
      title,
      color,
      greeting: greeting ?? null,
      locale,
      texts,
      preChatMode: preChatFields.length ? preChatMode : 'off',
      preChatFields,
      identityMode,
      maxUploadBytes,
      allowedMimeTypes,
      proactive,
      online,
      open,
      voice: voiceSettings(ctx.config),
      // Articles of the company's help center offered while the visitor types (published ones only).
      suggestUrl: helpCenter ? `${helpCenter}/suggest` : null,
    });
  });

  app.post('/:key/session', async (c) => {
    const ctx = await channel(c);
    const input = sessionSchema.parse(await json(c));
    const profile = input.profile ? checkAnswers(await preChatQuestions(ctx), input.profile) : undefined;
    const { token, visitor } = await openSession(ctx, { ...input, profile });
    return c.json({ token, visitor: { id: visitor.externalId, identified: visitor.identified, profile: visitor.profile } });
  });

  // The browser's family names an anonymous visitor ("Visitor 4821 · Chrome") until they give a name.
  const accept = async (ctx: ChannelContext<WebConfig>, visitor: Visitor, payload: Record<string, unknown>, userAgent: string | undefined) => {
    const browser = browserFamily(userAgent);
    // The contact's own fields go to their places; the rest are custom contact fields.
    const { name: _name, email: _email, phone: _phone, ...fields } = visitor.profile;
    const [message] = await runtime.accept(ctx, [
      {
        ...payload,
        visitor: {
          externalId: visitor.externalId,
          name: typeof visitor.profile.name === 'string' ? visitor.profile.name : undefined,
          email: typeof visitor.profile.email === 'string' ? visitor.profile.email : undefined,
          phone: typeof visitor.profile.phone === 'string' ? visitor.profile.phone : undefined,
          attributes: browser ? { ...fields, browser } : fields,
        },
      },
    ]);
    return message!;
  };

  app.post('/:key/messages', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const body = messageBody.parse(await json(c));
    const attachments = await ownedAttachments(ctx, visitor.externalId, body.attachmentIds ?? []);
    const message = await accept(
      ctx,
      visitor,
      { clientMessageId: body.clientMessageId, text: body.text, attachments, event: body.event, page: body.page },
      c.req.header('user-agent'),
    );
    return c.json({ accepted: { clientMessageId: body.clientMessageId, parts: message.parts } }, 202);
  });

  app.post('/:key/offline', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const body = offlineBody.parse(await json(c));
    await accept(
      ctx,
      { ...visitor, profile: { ...visitor.profile, email: body.email, ...(body.name ? { name: body.name } : {}) } },
      {
        clientMessageId: body.clientMessageId,
        text: body.text,
        event: { name: 'offline_message', data: { email: body.email } },
      },
      c.req.header('user-agent'),
    );
    return c.json({ accepted: true }, 202);
  });

  // "Talk to a person": the visitor asks for an agent. Stored as an event in the conversation
  // (`handoff.requested`), which agents see and an automated first answer must respect.
  app.post('/:key/handoff', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const body = z.object({ clientMessageId: z.string().min(8).max(100), page: z.string().max(2000).optional() }).parse(await json(c));
    await accept(
      ctx,
      visitor,
      { clientMessageId: body.clientMessageId, event: { name: 'handoff.requested', data: { via: 'widget' } }, page: body.page },
      c.req.header('user-agent'),
    );
    return c.json({ accepted: true }, 202);
  });

  app.post('/:key/uploads', async (c) => {
    const ctx = await channel(c);
    refuseDeclaredOversize(c, ctx.config.maxUploadBytes);
    const visitor = await visitorOf(c, ctx);
    const bytes = await readBody(c, ctx.config.maxUploadBytes);
    return c.json(await storeUpload(ctx, visitor.externalId, c.req.query('name') ?? 'file', bytes), 201);
  });

  // A voice message held and recorded in the widget: audio only, with its length; sent like an upload.
  app.post('/:key/voice', async (c) => {
    const ctx = await channel(c);
    if (!ctx.config.voiceMessages) throw new ForbiddenError('this chat takes no voice messages');
    const { duration, name } = voiceQuery.parse({ duration: c.req.query('duration'), name: c.req.query('name') });
    refuseDeclaredOversize(c, VOICE_MAX_BYTES);
    const visitor = await visitorOf(c, ctx);
    const bytes = await readBody(c, VOICE_MAX_BYTES);
    return c.json(await storeVoice(ctx, visitor.externalId, bytes, duration, name), 201);
  });

  app.get('/:key/attachments/:id', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const { row, bytes } = await readAttachment(ctx, visitor.externalId, z.uuid().parse(c.req.param('id')));
    // Customers' sites show these images: any origin may embed them; the visitor's token guards them.
    return fileAnswer(bytes, { name: row.name, embedders: 'cross-origin', cacheControl: 'private, max-age=3600' });
  });

  app.get('/:key/history', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    return c.json(await visitorHistory(ctx, visitor.externalId, c.req.query('after')));
  });

  app.post('/:key/typing', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const { on } = z.object({ on: z.boolean() }).parse(await json(c));
    if (await ctx.platform.conversations.customerTyping(visitor.externalId, on)) runtime.pokeOutbox();
    return c.body(null, 204);
  });

  app.post('/:key/receipts', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    const { upTo, status } = receiptBody.parse(await json(c));
    const moved = await ctx.platform.replies.seenByCustomer(visitor.externalId, upTo, status);
    if (moved) runtime.pokeOutbox();
    return c.json({ updated: moved });
  });

  app.get(
    '/:key/socket',
    async (c, next) => {
      const ctx = await channel(c);
      const visitor = await visitorOf(c, ctx);
      c.set('widget' as never, { ctx, visitor } as never);
      await next();
    },
    upgradeWebSocket((c) => {
      const { ctx, visitor } = c.get('widget' as never) as { ctx: ChannelContext<WebConfig>; visitor: Visitor };
      let release: (() => void) | undefined;
      let closed = false;
      let ping: NodeJS.Timeout | undefined;
      return {
        onOpen: (_event, ws) => {
          hub.add(ctx.channel.id, visitor.externalId, { send: (frame) => ws.send(JSON.stringify(frame)) }).then(
            (remove) => {
              if (closed) return remove();
              release = remove;
              ws.send(JSON.stringify({ type: 'ready' }));
              ping = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), 25_000);
            },
            (error: unknown) => {
              runtime.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'visitor feed not opened');
              ws.close(1011, 'try again');
            },
          );
        },
        onClose: () => {
          closed = true;
          release?.();
          clearInterval(ping);
        },
      };
    }),
  );

  app.get('/:key/events', async (c) => {
    const ctx = await channel(c);
    const visitor = await visitorOf(c, ctx);
    return streamSSE(c, async (stream) => {
      const frames: Record<string, unknown>[] = [];
      let wake: (() => void) | undefined;
      const release = await hub.add(ctx.channel.id, visitor.externalId, {
        send: (frame) => {
          frames.push(frame);
          wake?.();
        },
      });
      stream.onAbort(() => wake?.());
      try {
        await stream.writeSSE({ data: JSON.stringify({ type: 'ready' }) });
        while (!stream.aborted) {
          while (frames.length) await stream.writeSSE({ data: JSON.stringify(frames.shift()) });
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 25_000);
          });
          if (frames.length === 0 && !stream.aborted) await stream.writeSSE({ data: JSON.stringify({ type: 'ping' }) });
        }
      } finally {
        release();
      }
    });
  });

  app.notFound((c) => c.json({ error: 'not_found', message: 'no such route' }, 404));
  return app;
}

/** Browsers get the same status codes as providers do (core/http/error-answer.ts); a refused file is 415. */
function widgetError(runtime: ConnectorRuntime, c: HonoContext, error: unknown): Response {
  return errorAnswer(error, c, { logger: runtime.logger, what: 'widget request failed', unsupportedFileStatus: 415 });
}
