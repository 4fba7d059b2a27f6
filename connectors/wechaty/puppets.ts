import type { impls } from 'wechaty-puppet';
import type { WechatyConfig } from './connector.js';

type Puppet = impls.PuppetInterface;
type PuppetFactory = (config: WechatyConfig) => Puppet | Promise<Puppet>;

/**
 * Puppets an installation builds in code instead of by package name: one that needs options a
 * settings form cannot hold, or one of its own. A channel whose `puppet` names a registered
 * factory gets the factory's puppet.
 */
const factories = new Map<string, PuppetFactory>();

export function registerPuppet(name: string, factory: PuppetFactory): () => void {
  factories.set(name, factory);
  return () => {
    if (factories.get(name) === factory) factories.delete(name);
  };
}

/**
 * The channel's puppet: a registered factory's, or the npm package's default export built with
 * the channel's token and endpoint. Built here, not by Wechaty, so the token never reaches
 * Wechaty's logs.
 */
export async function createPuppet(config: WechatyConfig): Promise<Puppet> {
  const factory = factories.get(config.puppet);
  if (factory) return factory(config);
  let module: Record<string, unknown>;
  try {
    module = (await import(config.puppet)) as Record<string, unknown>;
  } catch {
    throw new Error(`the puppet package ${config.puppet} is not installed on this server (npm install ${config.puppet})`);
  }
  // CommonJS packages may nest their export under one or two `default`s.
  let Ctor: unknown = module.default;
  for (let depth = 0; Ctor && typeof Ctor !== 'function' && depth < 3; depth++) Ctor = (Ctor as { default?: unknown }).default;
  if (typeof Ctor !== 'function') throw new Error(`${config.puppet} is not a Wechaty puppet (it has no default export)`);
  const options = { ...(config.puppetToken ? { token: config.puppetToken } : {}), ...(config.puppetEndpoint ? { endpoint: config.puppetEndpoint } : {}) };
  return new (Ctor as new (options: object) => Puppet)(options);
}
