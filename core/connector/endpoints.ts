import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { secretFields, type AnyConnector } from './define.js';

/**
 * Secrets follow their endpoint: a stored password or token must never be sent to an address
 * other than the one it was given for. Changing a setting that says where a secret goes (a host,
 * port, TLS mode, base URL) therefore needs that secret again in the same change.
 */

function isUrlField(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof z.ZodURL) return true;
    const inner: unknown = (current as unknown as { unwrap?: () => unknown }).unwrap?.() ?? (current.def as { innerType?: unknown }).innerType;
    current = inner instanceof z.ZodType ? inner : undefined;
  }
  return false;
}

/**
 * Endpoint field → the secrets it carries: the connector's declaration, or, for a connector that
 * declares none, every URL field carrying every secret (the safe guess for a third party's).
 */
export function endpointSecrets(connector: Pick<AnyConnector, 'config' | 'endpoints'>): Record<string, readonly string[]> {
  if (connector.endpoints) return { ...connector.endpoints };
  const secrets = secretFields(connector);
  if (secrets.length === 0) return {};
  return Object.fromEntries(
    Object.entries(connector.config.shape)
      .filter(([, field]) => isUrlField(field as z.ZodType))
      .map(([name]) => [name, secrets]),
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Refuses (400, naming each field) a settings change that moves a stored secret to a new endpoint
 * without giving it again. `before` and `after` are whole settings (secrets opened), `given` what
 * the request sent. A secret that was not set has nothing to leak and is not asked for.
 */
export function assertSecretsFollowEndpoints(
  connector: Pick<AnyConnector, 'config' | 'endpoints'>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  given: Record<string, unknown>,
): void {
  const missing = new Map<string, string[]>();
  for (const [field, secrets] of Object.entries(endpointSecrets(connector))) {
    if (same(before[field], after[field])) continue;
    for (const name of secrets) {
      const stored = before[name] !== undefined && before[name] !== '';
      if (stored && given[name] === undefined) missing.set(name, [...(missing.get(name) ?? []), field]);
    }
  }
  if (missing.size === 0) return;
  throw new ValidationError(
    'a secret must be given again when the address it is sent to changes',
    [...missing].map(([name, fields]) => ({ field: `config.${name}`, message: `required again: ${fields.join(', ')} changed` })),
  );
}
