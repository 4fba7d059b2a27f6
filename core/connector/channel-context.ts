import { AttachmentStore } from '../attachments/store.js';
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config/config.js';
import { openJson } from '../crypto/secrets.js';
import type { Db } from '../db/database.js';
import type { Channel } from '../db/schema.js';
import { textProblem } from '../domain/storable-text.js';
import type { Logger } from '../log/logger.js';
import type { OutboundClient } from '../net/outbound.js';
import { companyLinkAddress } from '../tenancy/address.js';
import { markDeliveryFailed } from '../conversations/delivery.js';
import { noCallCenter, type CallCenterProvider } from './call-center-port.js';
import { channelStore } from './channel-data.js';
import { channelAttachments, connectorPlatform } from './platform.js';

export { channelAttachments };
import type { AnyConnector, ChannelContext } from './define.js';
import { ChannelHealthRecorder } from './health.js';
import type { ConnectorRegistry } from './registry.js';

/** What the platform's connector machinery needs from the running process. */
export interface ConnectorDeps {
  db: Db;
  bus: Bus;
  logger: Logger;
  config: Pick<Config, 'publicUrl' | 'dataDir' | 'secretKey' | 'inboundShards' | 'retry'> & Partial<Pick<Config, 'gatewayChannelCacheMs' | 'publicUrlSet'>>;
  registry: ConnectorRegistry;
  /** Every request to a company-set URL (provider base URLs, webhooks, media) goes through it. */
  outbound: OutboundClient;
  /** Tells the outbox relay there is something to publish (a channel's health changed). */
  pokeOutbox?: () => void;
  /** The call center the phone channels ask (`ctx.platform.calls`); without it their questions are refused. */
  callCenter?: CallCenterProvider;
}

export const secretsAssociatedData = (tenantId: string, channelId: string) => `${tenantId}:${channelId}`;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stored settings and opened secrets of a channel, together: what its connector parses. */
export function channelSettings(deps: Pick<ConnectorDeps, 'config'>, row: Channel): Record<string, unknown> {
  const secrets = row.secrets ? openJson<Record<string, unknown>>(deps.config.secretKey, row.secrets, secretsAssociatedData(row.tenant_id, row.id)) : {};
  return { ...row.config, ...secrets };
}

/**
 * Builds a connector's context for one channel row; the config is parsed by the connector's schema.
 * `address` is the company's link address (`companyLinkAddress`): webhook URLs a connector
 * registers or checks signatures against must be the ones the console shows the admin.
 */
export function contextFor(deps: ConnectorDeps, connector: AnyConnector, row: Channel, address = deps.config.publicUrl): ChannelContext<any> {
  const config = connector.config.parse(channelSettings(deps, row));
  const logger = deps.logger.child({ channelId: row.id, channelType: row.type });
  // Only a channel that carries calls reaches the call center, bound to it and its settings.
  const calls = connector.capabilities.calls && deps.callCenter ? deps.callCenter({ id: row.id, tenantId: row.tenant_id }, config, logger) : noCallCenter;
  return {
    channel: { id: row.id, tenantId: row.tenant_id, type: row.type, name: row.name, publicKey: row.public_key },
    config,
    platform: connectorPlatform(deps.db, { id: row.id, tenantId: row.tenant_id, type: row.type }, deps.config, calls),
    bus: deps.bus,
    logger,
    publicUrl: address,
    dataDir: deps.config.dataDir,
    secretKey: deps.config.secretKey,
    inboundShards: deps.config.inboundShards,
    outbound: deps.outbound,
    attachments: channelAttachments(new AttachmentStore(deps.db, deps.config.dataDir), row.tenant_id, row.id),
    state: channelStore(deps.db, { id: row.id, tenantId: row.tenant_id }),
    deliveries: {
      failed: (providerMessageId, reason) => markDeliveryFailed(deps.db, { tenantId: row.tenant_id, channelId: row.id, providerMessageId, reason }),
    },
  };
}

/** An enabled channel of an installed connector, ready to work with; undefined otherwise. */
export async function loadChannelContext(
  deps: ConnectorDeps,
  where: { id: string } | { publicKey: string },
): Promise<{ connector: AnyConnector; ctx: ChannelContext<any> } | undefined> {
  if ('id' in where && !UUID_PATTERN.test(where.id)) return undefined;
  // A key from a URL may hold anything; one PostgreSQL cannot compare is simply no channel.
  if ('publicKey' in where && textProblem(where.publicKey)) return undefined;
  let query = deps.db.selectFrom('channels').selectAll().where('enabled', '=', true);
  query = 'id' in where ? query.where('id', '=', where.id) : query.where('public_key', '=', where.publicKey);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const connector = deps.registry.get(row.type);
  if (!connector) return undefined;
  return { connector, ctx: contextFor(deps, connector, row, await companyLinkAddress(deps.db, deps.config, row.tenant_id)) };
}

type Loaded = { connector: AnyConnector; ctx: ChannelContext<any> };

/** Every channel cache of this process, held weakly (a cache goes with the app that made it). */
const caches = new Set<WeakRef<Map<string, unknown>>>();

const changeListeners = new Set<() => void>();

/**
 * Drops a channel from every cache of this process and tells this process's listeners (its pull
 * loops start a new mailbox now rather than at their next scan); called whenever a channel is
 * created or changed. Other processes see the change at their next scan.
 */
export function forgetChannel(channelId: string): void {
  for (const ref of caches) {
    const cache = ref.deref();
    if (cache) cache.delete(channelId);
    else caches.delete(ref);
  }
  for (const listener of changeListeners) listener();
}

/** Calls `listener` after each `forgetChannel` in this process; returns the unsubscribe. */
export function onChannelChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

/**
 * `loadChannelContext` for the webhook path, kept for `ttlMs`: a busy channel's row is read, its
 * secrets opened and its settings parsed once per interval instead of once per request. A change
 * made in this process (`forgetChannel`) takes effect at once; one made by another process within
 * `ttlMs`. Only channels that exist are kept, so unknown ids cannot grow the cache.
 */
export function cachedChannelContexts(deps: ConnectorDeps, ttlMs: number): (channelId: string) => Promise<Loaded | undefined> {
  if (ttlMs <= 0) return (id) => loadChannelContext(deps, { id });
  const cache = new Map<string, { value: Promise<Loaded | undefined>; expires: number }>();
  caches.add(new WeakRef(cache));
  return (id) => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.expires > now) return hit.value;
    const value = loadChannelContext(deps, { id });
    cache.set(id, { value, expires: now + ttlMs });
    const drop = () => {
      if (cache.get(id)?.value === value) cache.delete(id);
    };
    value.then((found) => found ?? drop(), drop);
    return value;
  };
}

const recorders = new WeakMap<object, ChannelHealthRecorder>();

/** The health recorder of this process for a database: one, so its memory of states is shared. */
export function channelHealth(deps: Pick<ConnectorDeps, 'db' | 'logger' | 'pokeOutbox'>): ChannelHealthRecorder {
  let recorder = recorders.get(deps.db);
  if (!recorder) {
    recorder = new ChannelHealthRecorder(deps.db, deps.logger, deps.pokeOutbox);
    recorders.set(deps.db, recorder);
  }
  return recorder;
}
