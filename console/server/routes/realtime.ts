import { randomUUID } from 'node:crypto';
import { upgradeWebSocket } from '@hono/node-server';
import type { Context as HonoContext } from 'hono';
import { z } from 'zod';
import type { Context } from '../../../core/context.js';
import { conversationSnapshot } from '../../../core/domain/views.js';
import { event } from '../../../core/domain/events.js';
import { eventRoutingKey, type EventEnvelope } from '../../../core/outbox/outbox.js';
import { ForbiddenError } from '../../../core/errors.js';
import { route, type AnyRoute, type Auth } from '../api/route.js';
import type { AgentConnection, RealtimeHub } from '../realtime/hub.js';
import { visibleConversation } from './conversations.js';

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid(), on: z.boolean() }),
]);

/** A browser page on another site must not open a socket with this site's cookie. */
function checkOrigin(c: HonoContext): void {
  const origin = c.req.header('origin');
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError('bad origin');
  }
  if (host !== c.req.header('host')) throw new ForbiddenError('cross-site WebSocket refused');
}

/** Typing is fleeting: it goes straight to the bus, not through the outbox. */
async function publishTyping(ctx: Context, auth: Auth, conversationId: string, on: boolean): Promise<void> {
  const db = ctx.database.db;
  await visibleConversation(db, auth.principal, conversationId);
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('tenant_id', '=', auth.principal.tenantId)
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  const e = event(auth.principal.tenantId, 'typing', { conversation: conversationSnapshot(row), from: 'agent', agentId: auth.principal.userId, on });
  const envelope: EventEnvelope = { id: `typing-${randomUUID()}`, tenantId: e.tenantId, kind: e.kind, payload: e.payload, at: new Date().toISOString() };
  await ctx.bus.publish('events', eventRoutingKey(e.tenantId, e.kind), envelope, { messageId: envelope.id });
}

export function realtimeRoutes(hub: RealtimeHub): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/realtime',
      tag: 'real time',
      summary:
        'WebSocket: the events the caller may see ({type:"event", event}; with ?batch=1 several at once as {type:"events", events}). Send {type:"heartbeat"} at least every PRESENCE_TIMEOUT_SECONDS/3 and {type:"typing", conversationId, on}',
      access: { signedIn: true },
      raw: true,
      responds: '101 Switching Protocols (WebSocket)',
      handler: async ({ c, ctx, tenant, auth }) => {
        checkOrigin(c);
        let connection: AgentConnection | undefined;
        const upgraded = await upgradeWebSocket(() => ({
          onOpen: (_event, socket) => {
            connection = {
              id: randomUUID(),
              tenantId: tenant.id,
              principal: auth.principal,
              credential: { sessionId: auth.sessionId, tokenId: auth.tokenId },
              socket,
              lastHeartbeat: Date.now(),
              batches: c.req.query('batch') === '1',
            };
            const opened = connection;
            hub
              .open(opened)
              .then(() =>
                socket.send(
                  JSON.stringify({ type: 'ready', userId: auth.principal.userId, heartbeatMs: Math.floor(ctx.config.console.presenceTimeoutMs / 3) }),
                ),
              )
              .catch((error: unknown) => {
                ctx.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'socket open failed');
                socket.close(1011, 'try again');
              });
          },
          onMessage: (message, socket) => {
            const opened = connection;
            if (!opened || typeof message.data !== 'string') return;
            let parsed: z.infer<typeof clientMessage>;
            try {
              parsed = clientMessage.parse(JSON.parse(message.data));
            } catch {
              socket.send(JSON.stringify({ type: 'error', message: 'unknown message' }));
              return;
            }
            const work =
              parsed.type === 'heartbeat'
                ? hub.heartbeat(opened).then((alive) => {
                    if (alive) socket.send(JSON.stringify({ type: 'heartbeat' }));
                  })
                : publishTyping(ctx, { ...auth, principal: opened.principal }, parsed.conversationId, parsed.on);
            work.catch(() => socket.send(JSON.stringify({ type: 'error', message: 'not possible' })));
          },
          onClose: () => {
            if (connection) void hub.close(connection).catch(() => {});
          },
        }))(c, async () => {});
        return upgraded ?? c.json({ error: 'upgrade_required', message: 'open this as a WebSocket' }, 426);
      },
    }),
  ];
}
