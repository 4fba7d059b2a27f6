import type { Config } from '../config/config.js';
import { loadChannelContext, type ConnectorDeps } from './channel-context.js';
import type { ConnectorRuntime } from './define.js';
import { publishInbound } from './publish.js';
import { acceptPayloads } from './accept.js';
import { eventReads } from './event-reads.js';

/** What the platform lends connectors' public endpoints (see PublicMount). */
export function createConnectorRuntime(deps: ConnectorDeps, config: Config, pokeOutbox: () => void): ConnectorRuntime {
  return {
    eventReads: eventReads(deps.db),
    bus: deps.bus,
    logger: deps.logger,
    config,
    channelByPublicKey: async (publicKey) => (await loadChannelContext(deps, { publicKey }))?.ctx,
    publishInbound: (ctx, messages) => publishInbound(deps.bus, deps.config.inboundShards, ctx.channel, messages),
    accept: (ctx, payloads) => acceptPayloads(deps.registry.require(ctx.channel.type), ctx, payloads),
    pokeOutbox,
  };
}
