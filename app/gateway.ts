import { callCenterPorts } from '../callcenter/part.js';
import { builtInConnectors } from '../connectors/index.js';
import type { ConnectorDeps } from '../core/connector/channel-context.js';
import { createHooksApp } from '../core/connector/gateway.js';
import { startOutboundWorkers } from '../core/connector/outbound-worker.js';
import { startEventForwarders } from '../core/connector/event-forwarder.js';
import { startPullLoops } from '../core/connector/pull.js';
import { loadConnectors, type ConnectorRegistry } from '../core/connector/registry.js';
import { createConnectorRuntime } from '../core/connector/runtime.js';
import type { Context } from '../core/context.js';
import type { Part } from './module.js';

let registry: Promise<ConnectorRegistry> | undefined;

/** The installed connectors: built in, plus the packages named in CONNECTORS. Loaded once per process. */
export function connectorRegistry(ctx: Context): Promise<ConnectorRegistry> {
  registry ??= loadConnectors(builtInConnectors, ctx.config.connectorPackages);
  registry.catch(() => (registry = undefined));
  return registry;
}

/** What the connector machinery needs, from the process's context. */
export async function connectorDeps(ctx: Context): Promise<ConnectorDeps> {
  return {
    db: ctx.database.db,
    bus: ctx.bus,
    logger: ctx.logger,
    config: ctx.config,
    registry: await connectorRegistry(ctx),
    outbound: ctx.outbound,
    pokeOutbox: () => ctx.relay.poke(),
    // The phone connectors reach the call center module through their channels' contexts.
    callCenter: callCenterPorts(ctx.database.db),
  };
}

/**
 * The gateway role: providers' webhooks under `/hooks/:channelId/*`, connectors' public
 * endpoints (the web chat under `/widget/*`), the outbound workers that deliver replies, the
 * forwarders of conversation events to connectors that want them, and the pull loops (one per channel across the cluster).
 */
export async function startGateway(ctx: Context): Promise<Part> {
  const deps = await connectorDeps(ctx);
  const runtime = createConnectorRuntime(deps, ctx.config, () => ctx.relay.poke());
  const mounts = await Promise.all(
    deps.registry.list().flatMap((connector) => (connector.mounts ?? []).map(async (mount) => ({ prefix: mount.prefix, app: await mount.create(runtime) }))),
  );
  const workers = await startOutboundWorkers(deps, { poke: () => ctx.relay.poke() });
  const forwarders = await startEventForwarders(deps);
  const pulls = startPullLoops(deps, { exclusive: ctx.database.kind === 'pg' });
  return {
    name: 'gateway',
    mount(app) {
      app.route('/', createHooksApp(deps));
      for (const mount of mounts) app.route(mount.prefix, mount.app);
    },
    async stop() {
      await pulls.stop();
      await workers.stop();
      await forwarders.stop();
    },
  };
}
