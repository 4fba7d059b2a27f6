import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { sealJson } from '../crypto/secrets.js';
import type { Db } from '../db/database.js';
import type { Channel } from '../db/schema.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { issueApiKey } from './api-keys.js';
import { channelSettings, contextFor, forgetChannel, secretsAssociatedData, UUID_PATTERN, type ConnectorDeps } from './channel-context.js';
import { secretFields, settingLabel, type AnyConnector, type ConnectionTest, type SettingLabel } from './define.js';
import { companyLinkAddress } from '../tenancy/address.js';
import { assertSecretsFollowEndpoints } from './endpoints.js';
import { connectorEventBindings } from './event-forwarder.js';
import { readChannelHealth, type ChannelHealthView } from './health.js';

type ChannelDeps = Pick<ConnectorDeps, 'db' | 'config' | 'registry'>;

/** A channel as an admin sees it: settings without secrets, and which secrets are set. */
export interface ChannelView {
  id: string;
  type: string;
  name: string;
  enabled: boolean;
  config: Record<string, unknown>;
  secrets: Record<string, { set: boolean }>;
  /** Where the provider sends its webhooks (the connector's routes hang below it). */
  webhookUrl: string;
  publicKey: string | null;
  /** What its mailbox loop, webhook set-up or sends last found; null when nothing ever failed. */
  health: ChannelHealthView | null;
  createdAt: string;
  updatedAt: string;
}

const nameSchema = z.string().trim().min(1).max(100);

/**
 * Adds a channel. The bus is needed for a connector that forwards conversation events: its queue
 * is bound to the company's events before the channel commits (event-forwarder.ts).
 */
export async function createChannel(
  deps: ChannelDeps & Pick<ConnectorDeps, 'bus'>,
  tenantId: string,
  input: { type: string; name: string; config?: Record<string, unknown> },
): Promise<{ channel: ChannelView; apiKey?: string }> {
  const connector = deps.registry.get(input.type);
  if (!connector) throw new ValidationError('unknown channel type', [{ field: 'type', message: `no connector "${input.type}" is installed` }]);
  const name = parseName(input.name);
  const settings = parseSettings(connector, input.config ?? {});
  const id = randomUUID();
  const { config, secrets } = splitSecrets(deps, connector, tenantId, id, settings);
  const row = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('channels')
      .values({
        id,
        tenant_id: tenantId,
        type: connector.type,
        name,
        config: JSON.stringify(config),
        secrets,
        public_key: connector.publicKey ? `pk_${randomBytes(16).toString('base64url')}` : null,
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    await connectorEventBindings(deps, connector)?.widen(trx, tenantId);
    return inserted;
  });
  const apiKey = connector.apiKeys ? (await issueApiKey(deps.db, tenantId, id)).key : undefined;
  forgetChannel(id);
  return { channel: channelView(deps, connector, row, await companyLinkAddress(deps.db, deps.config, tenantId)), ...(apiKey ? { apiKey } : {}) };
}

/**
 * Changes a channel's name or settings. Secrets are write-only: a secret field left out keeps
 * its value, a secret field given replaces it — except that a change of where a secret is sent
 * needs the secret again (`endpoints.ts`). The whole result is checked by the connector's
 * schema before anything is written.
 */
export async function updateChannel(
  deps: ChannelDeps,
  tenantId: string,
  channelId: string,
  patch: { name?: string; config?: Record<string, unknown> },
): Promise<ChannelView> {
  const row = await findRow(deps.db, tenantId, channelId);
  const connector = deps.registry.require(row.type);
  const stored = channelSettings(deps, row);
  const settings = patch.config ? parseSettings(connector, { ...stored, ...patch.config }) : undefined;
  if (settings && patch.config) {
    // Defaults filled in, so a setting added since the channel was saved does not count as moved.
    const before = connector.config.safeParse(stored);
    assertSecretsFollowEndpoints(connector, before.success ? (before.data as Record<string, unknown>) : stored, settings, patch.config);
  }
  const sealed = settings ? splitSecrets(deps, connector, tenantId, channelId, settings) : undefined;
  const updated = await deps.db
    .updateTable('channels')
    .set({
      ...(patch.name !== undefined ? { name: parseName(patch.name) } : {}),
      ...(sealed ? { config: JSON.stringify(sealed.config), secrets: sealed.secrets } : {}),
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', channelId)
    .returningAll()
    .executeTakeFirstOrThrow();
  forgetChannel(channelId);
  return channelView(deps, connector, updated, await companyLinkAddress(deps.db, deps.config, tenantId));
}

export async function setChannelEnabled(deps: ChannelDeps, tenantId: string, channelId: string, enabled: boolean): Promise<ChannelView> {
  const row = await findRow(deps.db, tenantId, channelId);
  const updated = await deps.db
    .updateTable('channels')
    .set({ enabled, updated_at: sql`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  forgetChannel(row.id);
  return channelView(deps, deps.registry.require(row.type), updated, await companyLinkAddress(deps.db, deps.config, tenantId));
}

export async function listChannels(deps: ChannelDeps, tenantId: string): Promise<ChannelView[]> {
  const rows = await deps.db.selectFrom('channels').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
  const address = await companyLinkAddress(deps.db, deps.config, tenantId);
  const health = await readChannelHealth(deps.db, tenantId);
  return rows.flatMap((row) => {
    const connector = deps.registry.get(row.type);
    return connector ? [channelView(deps, connector, row, address, health.get(row.id))] : [];
  });
}

export async function getChannel(deps: ChannelDeps, tenantId: string, channelId: string): Promise<ChannelView> {
  const row = await findRow(deps.db, tenantId, channelId);
  return channelView(
    deps,
    deps.registry.require(row.type),
    row,
    await companyLinkAddress(deps.db, deps.config, tenantId),
    (await readChannelHealth(deps.db, tenantId, channelId)).get(channelId),
  );
}

/**
 * Runs the connector's connection test with the channel's stored settings (secrets opened),
 * enabled or not, so an admin can check a channel before turning it on.
 */
export async function testChannelConnection(deps: ConnectorDeps, tenantId: string, channelId: string): Promise<ConnectionTest> {
  const row = await findRow(deps.db, tenantId, channelId);
  const connector = deps.registry.require(row.type);
  if (!connector.testConnection)
    throw new ValidationError(`a ${connector.displayName} channel has no connection to test`, [{ field: 'type', message: 'no connection test' }]);
  return connector.testConnection(contextFor(deps, connector, row, await companyLinkAddress(deps.db, deps.config, tenantId)));
}

async function findRow(db: Db, tenantId: string, channelId: string): Promise<Channel> {
  if (!UUID_PATTERN.test(channelId)) throw new NotFoundError('channel');
  const row = await db.selectFrom('channels').selectAll().where('tenant_id', '=', tenantId).where('id', '=', channelId).executeTakeFirst();
  if (!row) throw new NotFoundError('channel');
  return row;
}

function parseName(name: string): string {
  const parsed = nameSchema.safeParse(name);
  if (!parsed.success) throw new ValidationError('the channel name is invalid', [{ field: 'name', message: 'must be 1 to 100 characters' }]);
  return parsed.data;
}

/** A settings problem as the console shows it: the setting's label, and whether it was left out. */
export interface SettingIssue {
  field: string;
  message: string;
  problem: 'required' | 'invalid';
  label: SettingLabel | { en: string; zh?: undefined };
}

function parseSettings(connector: AnyConnector, settings: Record<string, unknown>): Record<string, unknown> {
  const parsed = connector.config.safeParse(settings);
  if (!parsed.success) {
    // Zod's messages never echo the value, so a bad secret is not repeated back.
    const issues: SettingIssue[] = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '');
      const given = settings[name];
      const problem = given === undefined || given === null || given === '' ? 'required' : 'invalid';
      const en = settingLabel(connector, name);
      const declared = (connector.labels as Record<string, SettingLabel | undefined> | undefined)?.[name];
      return {
        field: ['config', ...i.path].join('.'),
        message: problem === 'required' ? `${en} is required` : `${en} is invalid: ${i.message}`,
        problem,
        label: declared ?? { en },
      };
    });
    throw new ValidationError(issues[0]?.message ?? 'the channel settings are invalid', issues);
  }
  return parsed.data as Record<string, unknown>;
}

/**
 * Runs the connector's connection test with settings not saved yet (secrets as typed in the
 * form), so an admin can check a channel before adding it. Nothing is stored: the channel the
 * connector sees exists only for this call.
 */
export async function testUnsavedConnection(
  deps: ConnectorDeps,
  tenantId: string,
  input: { type: string; config: Record<string, unknown> },
): Promise<ConnectionTest> {
  const connector = deps.registry.get(input.type);
  if (!connector) throw new ValidationError('unknown channel type', [{ field: 'type', message: `no connector "${input.type}" is installed` }]);
  if (!connector.testConnection)
    throw new ValidationError(`a ${connector.displayName} channel has no connection to test`, [{ field: 'type', message: 'no connection test' }]);
  const settings = parseSettings(connector, input.config);
  const now = new Date();
  const row: Channel = {
    id: randomUUID(),
    tenant_id: tenantId,
    type: connector.type,
    name: 'unsaved',
    enabled: false,
    config: settings,
    secrets: null,
    public_key: null,
    created_at: now,
    updated_at: now,
  } as Channel;
  return connector.testConnection(contextFor(deps, connector, row));
}

function splitSecrets(deps: ChannelDeps, connector: AnyConnector, tenantId: string, channelId: string, settings: Record<string, unknown>) {
  const secretNames = new Set(secretFields(connector));
  const config: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) (secretNames.has(key) ? secrets : config)[key] = value;
  return {
    config,
    secrets: Object.keys(secrets).length ? sealJson(deps.config.secretKey, secrets, secretsAssociatedData(tenantId, channelId)) : null,
  };
}

function channelView(deps: ChannelDeps, connector: AnyConnector, row: Channel, address: string, health?: ChannelHealthView): ChannelView {
  const stored = row.secrets ? channelSettings(deps, row) : {};
  const secretNames = secretFields(connector);
  const config = Object.fromEntries(Object.entries(row.config).filter(([key]) => !secretNames.includes(key)));
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    enabled: row.enabled,
    config,
    secrets: Object.fromEntries(secretNames.map((key) => [key, { set: stored[key] !== undefined && stored[key] !== '' }])),
    webhookUrl: `${address}/hooks/${row.id}`,
    publicKey: row.public_key,
    health: health ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
