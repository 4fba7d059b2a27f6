import { renderSVG } from 'uqr';
import { z } from 'zod';
import { readChannelState } from '../../../core/connector/channel-state.js';
import type { ConnectorDeps } from '../../../core/connector/channel-context.js';
import {
  createChannel,
  getChannel,
  listChannels,
  setChannelEnabled,
  testChannelConnection,
  testUnsavedConnection,
  updateChannel,
} from '../../../core/connector/channels.js';
import { appearanceOf, isSecretField } from '../../../core/connector/define.js';
import { endpointSecrets } from '../../../core/connector/endpoints.js';
import { idParams } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer, conversationKindSchema } from '../api/answers.js';

const settings = z.record(z.string(), z.unknown());

const at = z.string().describe('an instant, ISO 8601 (UTC)');

/** A setting's name and hint under it, in the console's languages, as the connector declares them. */
const settingLabelSchema = z
  .object({ en: z.string(), zh: z.string(), hintEn: z.string().optional(), hintZh: z.string().optional() })
  .meta({ id: 'SettingLabel' });

const appearance = {
  icon: z.string().nullable().describe('a data: URL, or null'),
  names: z.object({ en: z.string(), zh: z.string() }),
};

/** An installed connector, with the JSON Schema of its settings. */
const channelTypeViewSchema = z
  .object({
    type: z.string(),
    displayName: z.string(),
    ...appearance,
    description: z.string().nullable(),
    descriptionZh: z.string().nullable(),
    capabilities: z.object({
      receive: z.array(z.string()).readonly(),
      send: z.array(z.string()).readonly(),
      typing: z.boolean().optional(),
      readReceipts: z.boolean().optional(),
      threads: z.boolean().optional(),
      calls: z.boolean().optional(),
      conversationKind: conversationKindSchema.optional(),
    }),
    connectionTest: z.boolean().describe('whether the connector can log in to the provider to check a channel’s settings'),
    settings: z.unknown().describe('the JSON Schema of the settings form'),
    secretFields: z.array(z.string()),
    endpoints: z.record(z.string(), z.array(z.string()).readonly()).describe('setting → the secrets sent to where it points'),
    labels: z.record(z.string(), settingLabelSchema.optional()),
  })
  .meta({ id: 'ChannelTypeView' });

const channelHealthSchema = z
  .object({
    status: z.enum(['ok', 'error']),
    source: z.enum(['receive', 'send', 'webhook']),
    error: z.string().nullable(),
    errorAt: at.nullable(),
    updatedAt: at,
  })
  .meta({ id: 'ChannelHealthView' });

/** A channel as an admin sees it: settings without secrets, which secrets are set, its addresses. */
const channelViewSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    config: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), z.object({ set: z.boolean() })),
    webhookUrl: z.string(),
    publicKey: z.string().nullable(),
    health: channelHealthSchema.nullable().describe('null while nothing ever failed'),
    createdAt: at,
    updatedAt: at,
  })
  .meta({ id: 'ChannelView' });

/** What a connection test found: one line per thing checked (the provider's words). */
const connectionTestSchema = z
  .object({ ok: z.boolean(), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })) })
  .meta({ id: 'ConnectionTestView' });

/** What a channel's loop last reported, or `state: null` when it never said anything. */
const channelStateSchema = z
  .union([
    z.object({
      state: z.enum(['starting', 'waiting_for_scan', 'logged_in', 'logged_out', 'error', 'stopped']),
      detail: z.string().optional(),
      account: z.string().optional(),
      qrCode: z.string().optional(),
      qrSvg: z.string().optional().describe('the login QR code drawn as SVG (rectangles only), while waiting for a scan'),
      holder: z.string().nullable(),
      updatedAt: at,
    }),
    z.object({ state: z.null() }),
  ])
  .meta({ id: 'ChannelStateView' });

const channelTypeList = z.object({ types: z.array(channelTypeViewSchema) });
const appearanceList = z.object({ types: z.array(z.object({ type: z.string(), ...appearance })) });
const channelList = z.object({ channels: z.array(channelViewSchema) });
const channelCreated = z.object({ channel: channelViewSchema, apiKey: z.string().optional().describe('shown only in this answer') });

/**
 * Channels, through the connectors' own functions (core/connector/channels.ts): settings are
 * checked by the connector's zod schema, secrets are sealed and write-only (a channel shows only
 * which secrets are set), and each channel shows its webhook URL.
 */
export function channelRoutes(connectorDeps: () => Promise<ConnectorDeps>): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/channel-types',
      tag: 'channels',
      summary: 'The installed connectors, with the settings form each one needs (secret fields marked)',
      access: { permission: 'admin.channels' },
      responds: channelTypeList,
      handler: async ({ c }) => {
        const deps = await connectorDeps();
        return answer(c, channelTypeList, {
          types: deps.registry.list().map((connector) => ({
            type: connector.type,
            displayName: connector.displayName,
            ...appearanceOf(connector),
            description: connector.description ?? null,
            descriptionZh: connector.descriptionZh ?? null,
            capabilities: connector.capabilities,
            connectionTest: Boolean(connector.testConnection),
            settings: z.toJSONSchema(connector.config, { io: 'input', unrepresentable: 'any' }),
            secretFields: Object.entries(connector.config.shape)
              .filter(([, field]) => isSecretField(field as z.ZodType))
              .map(([key]) => key),
            // Which settings carry which secrets: the form asks for those again when one changes.
            endpoints: endpointSecrets(connector),
            // Each setting's label and hint in English and Chinese (a setting left out shows its name).
            labels: connector.labels ?? {},
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/channel-types/appearance',
      tag: 'channels',
      summary: "Each installed connector's icon (a data: URL, or null) and name in English and Chinese, for drawing channels anywhere in the console",
      access: { signedIn: true },
      responds: appearanceList,
      handler: async ({ c }) => {
        const deps = await connectorDeps();
        return answer(c, appearanceList, { types: deps.registry.list().map((connector) => ({ type: connector.type, ...appearanceOf(connector) })) });
      },
    }),
    route({
      method: 'get',
      path: '/channels',
      tag: 'channels',
      summary: 'Channels with their settings (never their secrets) and webhook URLs',
      access: { permission: 'admin.channels' },
      responds: channelList,
      handler: async ({ c, tenant }) => answer(c, channelList, { channels: await listChannels(await connectorDeps(), tenant.id) }),
    }),
    route({
      method: 'get',
      path: '/channels/:id',
      tag: 'channels',
      summary: 'One channel',
      access: { permission: 'admin.channels' },
      params: idParams,
      responds: channelViewSchema,
      handler: async ({ c, tenant, params }) => answer(c, channelViewSchema, await getChannel(await connectorDeps(), tenant.id, params.id)),
    }),
    route({
      method: 'post',
      path: '/channels',
      tag: 'channels',
      summary: 'Create a channel of an installed type; an API key, if the type issues one, is shown only in this answer',
      access: { permission: 'admin.channels' },
      body: z.object({ type: z.string().min(1).max(40), name: z.string().max(200), config: settings.default({}) }),
      example: { type: 'no-such-type', name: 'Example', config: {} },
      responds: channelCreated,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const created = await createChannel(await connectorDeps(), tenant.id, body);
        await audit(
          ctx.database.db,
          auth,
          'channel.created',
          { type: 'channel', id: created.channel.id },
          { type: body.type, name: body.name, settings: Object.keys(body.config) },
        );
        return answer(c, channelCreated, created, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/channels/:id',
      tag: 'channels',
      summary:
        'Rename a channel or change its settings; a secret left out keeps its value, unless a setting it is sent to changes (then it must be given again)',
      access: { permission: 'admin.channels' },
      params: idParams,
      body: z
        .object({ name: z.string().max(200).optional(), config: settings.optional() })
        .refine((b) => b.name !== undefined || b.config !== undefined, { message: 'nothing to change' }),
      example: { name: 'Renamed' },
      responds: channelViewSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const channel = await updateChannel(await connectorDeps(), tenant.id, params.id, body);
        await audit(
          ctx.database.db,
          auth,
          'channel.updated',
          { type: 'channel', id: params.id },
          { name: body.name, settings: Object.keys(body.config ?? {}) },
        );
        return answer(c, channelViewSchema, channel);
      },
    }),
    route({
      method: 'get',
      path: '/channels/:id/state',
      tag: 'channels',
      summary:
        'What the channel’s loop last reported (a bot logged in, logged out, failing, or waiting for its login QR code to be scanned, with the code as SVG)',
      access: { permission: 'admin.channels' },
      params: idParams,
      responds: channelStateSchema,
      handler: async ({ c, ctx, tenant, params }) => {
        await getChannel(await connectorDeps(), tenant.id, params.id);
        const state = await readChannelState(ctx.database.db, tenant.id, params.id);
        if (!state) return answer(c, channelStateSchema, { state: null });
        // The code is drawn here, so the console needs no QR library; the SVG holds only rectangles.
        const qrSvg = state.state === 'waiting_for_scan' && state.qrCode ? renderSVG(state.qrCode, { border: 2 }) : undefined;
        return answer(c, channelStateSchema, { ...state, ...(qrSvg ? { qrSvg } : {}) });
      },
    }),
    route({
      method: 'post',
      path: '/channels/test',
      tag: 'channels',
      summary: 'Log in to the provider with settings not saved yet (secrets as typed) and report what failed; stores nothing',
      access: { permission: 'admin.channels' },
      body: z.object({ type: z.string().min(1).max(40), config: settings.default({}) }),
      example: { type: 'no-such-type', config: {} },
      responds: connectionTestSchema,
      handler: async ({ c, tenant, body }) => answer(c, connectionTestSchema, await testUnsavedConnection(await connectorDeps(), tenant.id, body)),
    }),
    route({
      method: 'post',
      path: '/channels/:id/test',
      tag: 'channels',
      summary: 'Log in to the provider with the channel’s settings and report exactly what failed (bad password, TLS, host not found)',
      access: { permission: 'admin.channels' },
      params: idParams,
      responds: connectionTestSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const result = await testChannelConnection(await connectorDeps(), tenant.id, params.id);
        await audit(ctx.database.db, auth, 'channel.tested', { type: 'channel', id: params.id }, { ok: result.ok });
        return answer(c, connectionTestSchema, result);
      },
    }),
    ...(['enable', 'disable'] as const).map((verb) =>
      route({
        method: 'post',
        path: `/channels/:id/${verb}`,
        tag: 'channels',
        summary: verb === 'enable' ? 'Enable a channel' : 'Disable a channel: its webhooks are refused and nothing is sent through it',
        access: { permission: 'admin.channels' },
        params: idParams,
        responds: channelViewSchema,
        handler: async ({ c, ctx, tenant, auth, params }) => {
          const channel = await setChannelEnabled(await connectorDeps(), tenant.id, params.id, verb === 'enable');
          await audit(ctx.database.db, auth, `channel.${verb}d`, { type: 'channel', id: params.id });
          return answer(c, channelViewSchema, channel);
        },
      }),
    ),
  ];
}
