import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { AnyConnector } from './define.js';

/** The installed connectors, by type: the built-in ones and those named in configuration. */
export class ConnectorRegistry {
  private readonly byType = new Map<string, AnyConnector>();

  constructor(connectors: readonly AnyConnector[] = []) {
    for (const connector of connectors) this.register(connector);
  }

  register(connector: AnyConnector): void {
    assertConnector(connector, connector?.type ?? '(unnamed)');
    if (this.byType.has(connector.type)) throw new TypeError(`two connectors declare the type "${connector.type}"`);
    this.byType.set(connector.type, connector);
  }

  get(type: string): AnyConnector | undefined {
    return this.byType.get(type);
  }

  require(type: string): AnyConnector {
    const connector = this.byType.get(type);
    if (!connector) throw new NotFoundError(`connector "${type}"`);
    return connector;
  }

  list(): AnyConnector[] {
    return [...this.byType.values()];
  }
}

/**
 * Builds the registry: the built-in connectors, then each package named in CONNECTORS, whose
 * default export must be a connector definition. A package that cannot be loaded stops
 * start-up with its name, rather than running without a channel the operator asked for.
 */
export async function loadConnectors(
  builtIn: readonly AnyConnector[],
  packages: readonly string[],
  importPackage: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<ConnectorRegistry> {
  const registry = new ConnectorRegistry(builtIn);
  for (const name of packages) {
    let loaded: unknown;
    try {
      loaded = await importPackage(name);
    } catch (error) {
      throw new Error(`connector package "${name}" cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const definition = (loaded as { default?: unknown }).default ?? loaded;
    assertConnector(definition, name);
    registry.register(definition);
  }
  return registry;
}

function assertConnector(value: unknown, source: string): asserts value is AnyConnector {
  const candidate = value as Partial<AnyConnector> | undefined;
  const problems: string[] = [];
  if (!candidate || typeof candidate !== 'object') problems.push('is not an object');
  else {
    if (typeof candidate.type !== 'string') problems.push('has no type');
    if (typeof candidate.displayName !== 'string') problems.push('has no displayName');
    if (!(candidate.config instanceof z.ZodObject)) problems.push('has no zod object config');
    if (typeof candidate.normalize !== 'function') problems.push('has no normalize');
    if (typeof candidate.send !== 'function') problems.push('has no send');
    if (!candidate.capabilities || !Array.isArray(candidate.capabilities.receive)) problems.push('has no capabilities');
  }
  if (problems.length) throw new TypeError(`connector ${source} ${problems.join(', ')} (default-export defineConnector({...}))`);
}
