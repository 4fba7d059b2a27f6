import { z } from 'zod';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { builtinHandoffWords, getBotSettings, listBotSettings, putBotSettings } from './settings.js';

const channelParams = z.object({ channelId: z.uuid() });
const words = z.array(z.string().trim().min(1).max(40)).max(50);
const settingsBody = z.object({
  enabled: z.boolean(),
  maxTurns: z.number().int().min(1).max(20).default(3),
  minScore: z.number().min(0).max(1).default(0.4),
  handoffKeywords: words.default([]),
  handoffTags: words.default([]),
  hours: z.enum(['always', 'outside_business_hours']).default('always'),
});
const settingsView = z.object({
  channelId: z.string(),
  channelName: z.string(),
  channelType: z.string(),
  enabled: z.boolean(),
  maxTurns: z.number(),
  minScore: z.number(),
  handoffKeywords: z.array(z.string()),
  handoffTags: z.array(z.string()),
  hours: z.enum(['always', 'outside_business_hours']),
});

/** The answer bot's settings, per channel, for those who manage channels. */
export function botRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/assistant/bot/channels',
      tag: 'assistant',
      summary: "Every text channel's answer bot settings (defaults where never saved), and the words that always ask for a person",
      access: { permission: 'admin.channels' },
      responds: z.object({ channels: z.array(settingsView), builtinHandoffWords: z.array(z.string()) }),
      handler: async ({ c, ctx, tenant }) =>
        c.json({ channels: await listBotSettings(ctx.database.db, tenant.id), builtinHandoffWords: [...builtinHandoffWords()] }),
    }),
    route({
      method: 'get',
      path: '/assistant/bot/channels/:channelId',
      tag: 'assistant',
      summary: "A channel's answer bot settings",
      access: { permission: 'admin.channels' },
      params: channelParams,
      responds: settingsView,
      handler: async ({ c, ctx, tenant, params }) => c.json(await getBotSettings(ctx.database.db, tenant.id, params.channelId)),
    }),
    route({
      method: 'put',
      path: '/assistant/bot/channels/:channelId',
      tag: 'assistant',
      summary:
        "Set a channel's answer bot: on or off, how many answers before a person takes over, the smallest article match it answers with (0–1), words and contact tags that go straight to people, and whether it answers always or only outside business hours",
      access: { permission: 'admin.channels' },
      params: channelParams,
      body: settingsBody,
      example: { enabled: true, maxTurns: 3, minScore: 0.4, handoffKeywords: ['投诉'], handoffTags: ['VIP'], hours: 'always' },
      responds: settingsView,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const saved = await putBotSettings(ctx.database.db, tenant.id, params.channelId, body);
        await audit(ctx.database.db, auth, 'assistant.bot.updated', { type: 'channel', id: params.channelId }, { ...body });
        return c.json(saved);
      },
    }),
  ];
}
