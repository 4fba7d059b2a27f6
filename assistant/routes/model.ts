import { z } from 'zod';
import type { Context } from '../../core/context.js';
import { ValidationError } from '../../core/errors.js';
import { OutboundRefusedError } from '../../core/net/outbound.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { modelGateway, ModelUnavailableError } from '../model/gateway.js';
import { DEFAULT_TIMEOUT_MS, readModelSettings, usable, writeModelSettings } from '../model/settings.js';
import { usageSummary } from '../model/usage.js';

const MANAGE = { permission: 'assistant.manage' } as const;

const settingsView = z
  .object({
    configured: z.boolean().describe('switched on, with an address and a model: the copilot and the answer bot use it'),
    enabled: z.boolean(),
    baseUrl: z.string(),
    model: z.string(),
    apiKeySet: z.boolean().describe('whether a key is stored; the key itself is never answered'),
    maskPersonalData: z.boolean(),
    timeoutMs: z.number(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'AiModelSettings' });

const settingsBody = z.object({
  enabled: z.boolean(),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'an http or https address, such as https://api.openai.com/v1' })
    .max(500)
    .transform((url) => url.replace(/\/+$/, '')),
  model: z.string().trim().min(1).max(200),
  /** Write-only. Left out: the stored key stays; null: removed (a model that takes none). */
  apiKey: z.string().trim().min(1).max(1000).nullable().optional(),
  maskPersonalData: z.boolean().default(false),
  timeoutMs: z.number().int().min(1000).max(300_000).default(DEFAULT_TIMEOUT_MS),
});

const checkAnswer = z
  .object({
    ok: z.boolean(),
    latencyMs: z.number().optional(),
    model: z.string().optional(),
    reason: z.enum(['not_configured', 'unauthorized', 'rate_limited', 'failed', 'timeout']).optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'AiModelCheck' });

const figures = {
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  latency: z.object({ medianMs: z.number().nullable(), p95Ms: z.number().nullable() }),
  errors: z.number(),
};
const usageAnswer = z
  .object({
    from: z.string(),
    to: z.string(),
    ...figures,
    byFeature: z.array(z.object({ feature: z.string(), ...figures, errorsByCode: z.record(z.string(), z.number()) })),
  })
  .meta({ id: 'AiUsage' });

const DAY = 86_400_000;

/**
 * The address must be one the installation lets the server reach: a private or loopback address
 * (literal, or what the name resolves to now) is refused here, naming the field, unless the
 * operator allowed it (OUTBOUND_ALLOW). A name that does not resolve yet is let through; the
 * check and every call look again.
 */
async function checkReachable(ctx: Context, url: string): Promise<void> {
  const refuse = (error: OutboundRefusedError) => {
    throw new ValidationError('the address cannot be reached from this server', [{ field: 'baseUrl', message: error.message }]);
  };
  try {
    const checked = ctx.outbound.checkUrl(url);
    await ctx.outbound.resolve(checked.hostname);
  } catch (error) {
    if (error instanceof OutboundRefusedError) refuse(error);
  }
}

/** The company's model: its settings (the key write-only), a check call, and what the calls cost. */
export function modelRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/assistant/model',
      tag: 'assistant',
      summary: "The company's language model: address, model, whether a key is stored (never the key), masking and time limit",
      access: MANAGE,
      responds: settingsView,
      handler: async ({ c, ctx, tenant }) => {
        const settings = await readModelSettings(ctx.database.db, ctx.config.secretKey, tenant.id);
        return c.json({
          configured: usable(settings),
          enabled: settings?.enabled ?? false,
          baseUrl: settings?.baseUrl ?? '',
          model: settings?.model ?? '',
          apiKeySet: Boolean(settings?.apiKey),
          maskPersonalData: settings?.maskPersonalData ?? false,
          timeoutMs: settings?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          updatedAt: settings ? settings.updatedAt.toISOString() : null,
        } satisfies z.infer<typeof settingsView>);
      },
    }),
    route({
      method: 'put',
      path: '/assistant/model',
      tag: 'assistant',
      summary:
        "Set the company's OpenAI-compatible chat-completions endpoint. The key is write-only: left out, the stored one stays (but is never sent to a new address); null removes it",
      access: MANAGE,
      body: settingsBody,
      example: { enabled: false, baseUrl: 'https://api.deepseek.com/v1', model: 'deepseek-chat', maskPersonalData: true, timeoutMs: 30000 },
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await checkReachable(ctx, body.baseUrl);
        const stored = await readModelSettings(ctx.database.db, ctx.config.secretKey, tenant.id);
        // The stored key goes only where it went before: a new address needs the key typed again.
        if (body.apiKey === undefined && stored?.apiKey && stored.baseUrl !== body.baseUrl)
          throw new ValidationError('enter the key again to use it with a new address', [
            { field: 'apiKey', message: 'required when the address changes while a key is stored' },
          ]);
        await writeModelSettings(ctx.database.db, ctx.config.secretKey, tenant.id, body, auth.principal.userId);
        modelGateway(ctx).forget(tenant.id);
        await audit(
          ctx.database.db,
          auth,
          'ai_model.updated',
          { type: 'ai_model' },
          {
            enabled: body.enabled,
            baseUrl: body.baseUrl,
            model: body.model,
            maskPersonalData: body.maskPersonalData,
            ...(body.apiKey !== undefined ? { key: body.apiKey === null ? 'removed' : 'replaced' } : {}),
          },
        );
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/assistant/model/test',
      tag: 'assistant',
      summary: 'Send one tiny request with the stored settings (switched on or not): whether the model answers, how fast, or why not',
      access: MANAGE,
      responds: checkAnswer,
      handler: async ({ c, ctx, tenant }) => {
        try {
          const answer = await modelGateway(ctx).check(tenant.id);
          return c.json({ ok: true, latencyMs: answer.latencyMs, model: answer.model });
        } catch (error) {
          if (!(error instanceof ModelUnavailableError)) throw error;
          return c.json({ ok: false, reason: error.reason, message: error.message });
        }
      },
    }),
    route({
      method: 'get',
      path: '/assistant/usage',
      tag: 'assistant',
      summary: "Calls to the company's model in [from, to) (the last 30 days unless said): tokens, latency median and 95th percentile, errors, by feature",
      access: MANAGE,
      query: z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
      responds: usageAnswer,
      handler: async ({ c, ctx, tenant, query }) => {
        const to = query.to ? new Date(query.to) : new Date();
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
        if (from >= to) throw new ValidationError('the range ends before it starts', [{ field: 'from', message: 'must be before to' }]);
        if (to.getTime() - from.getTime() > 400 * DAY) throw new ValidationError('the range is too long', [{ field: 'from', message: 'at most 400 days' }]);
        return c.json(await usageSummary(ctx.database.db, tenant.id, from, to));
      },
    }),
  ];
}
