import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, customFetch, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../../../core/config/config.js';
import type { OidcDiscovery } from '../../../core/db/schema.js';
import { UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { OutboundRefusedError, type OutboundClient } from '../../../core/net/outbound.js';

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url({ protocol: /^https?$/ }),
  token_endpoint: z.url({ protocol: /^https?$/ }),
  jwks_uri: z.url({ protocol: /^https?$/ }),
});

/**
 * Reads the provider's discovery document through the guarded client. Called when an admin saves
 * the settings, never by a sign-in: the document is kept with them. Whatever went wrong, the
 * answer is the same field error — the provider's status and body are not repeated.
 */
export async function discover(outbound: OutboundClient, issuer: string): Promise<OidcDiscovery> {
  const unusable = (detail: string) => new ValidationError("the issuer's discovery document could not be read", [{ field: 'issuer', message: detail }]);
  let document: unknown;
  try {
    const response = await outbound.fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { timeoutMs: 5000, maxBytes: 256 * 1024 });
    if (!response.ok) throw unusable(`no discovery document at ${issuer}`);
    document = await response.json();
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw unusable(error instanceof OutboundRefusedError ? error.message : `no discovery document at ${issuer}`);
  }
  const parsed = discoverySchema.safeParse(document);
  if (!parsed.success) throw unusable(`no discovery document at ${issuer}`);
  for (const endpoint of [parsed.data.authorization_endpoint, parsed.data.token_endpoint, parsed.data.jwks_uri]) {
    try {
      outbound.checkUrl(endpoint);
    } catch (error) {
      throw unusable((error as Error).message);
    }
  }
  const { issuer: named, authorization_endpoint, token_endpoint, jwks_uri } = parsed.data;
  return { issuer: named, authorization_endpoint, token_endpoint, jwks_uri };
}

/** The provider's signing keys, fetched (and kept by jose) through the guarded client. */
const keySets = new WeakMap<OutboundClient, Map<string, JWTVerifyGetKey>>();
function providerKeys(outbound: OutboundClient, jwksUri: string): JWTVerifyGetKey {
  let sets = keySets.get(outbound);
  if (!sets) keySets.set(outbound, (sets = new Map()));
  let keys = sets.get(jwksUri);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(jwksUri), {
      [customFetch]: (url, options) =>
        outbound.fetch(url, {
          method: options.method,
          headers: Object.fromEntries(new Headers(options.headers as HeadersInit)),
          signal: options.signal,
          timeoutMs: 5000,
          maxBytes: 256 * 1024,
        }),
    });
    sets.set(jwksUri, keys);
  }
  return keys;
}

export const OIDC_COOKIE = 'sb_oidc';

/** A key for the login-state cookie, derived from SECRET_KEY so every process can read it. */
const stateKey = (config: Config) => createHash('sha256').update(config.secretKey).update('oidc-state').digest();

export interface LoginState {
  tenantId: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/** The state and nonce of one login, signed into a short-lived cookie rather than stored. */
export async function sealLoginState(config: Config, input: Omit<LoginState, 'state' | 'nonce'>): Promise<{ cookie: string; state: string; nonce: string }> {
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const cookie = await new SignJWT({ ...input, state, nonce })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(stateKey(config));
  return { cookie, state, nonce };
}

export async function openLoginState(config: Config, cookie: string | undefined, tenantId: string, state: string): Promise<LoginState> {
  if (!cookie) throw new UnauthorizedError('the sign-in took too long or started elsewhere; start again');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(cookie, stateKey(config), { algorithms: ['HS256'] }));
  } catch {
    throw new UnauthorizedError('the sign-in took too long or started elsewhere; start again');
  }
  if (payload.tenantId !== tenantId || payload.state !== state) throw new UnauthorizedError('the sign-in state does not match');
  return payload as unknown as LoginState;
}

/** Exchanges the code for tokens and verifies the ID token: issuer, audience, expiry, nonce, signature, `email_verified: true`. */
export async function redeemCode(
  outbound: OutboundClient,
  discovery: OidcDiscovery,
  client: { issuer: string; clientId: string; clientSecret: string; redirectUri: string },
  code: string,
  nonce: string,
): Promise<{ email: string }> {
  let response: Response;
  try {
    response = await outbound.fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }),
      timeoutMs: 5000,
      maxBytes: 256 * 1024,
    });
  } catch {
    throw new UnauthorizedError('the identity provider could not be reached; try again later');
  }
  // Its status and body stay here: the one asking may be anybody.
  if (!response.ok) throw new UnauthorizedError('the identity provider refused the code');
  const tokens = z.object({ id_token: z.string() }).safeParse(await response.json().catch(() => undefined));
  if (!tokens.success) throw new UnauthorizedError('the identity provider sent no ID token');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(tokens.data.id_token, providerKeys(outbound, discovery.jwks_uri), {
      issuer: client.issuer,
      audience: client.clientId,
      clockTolerance: 30,
    }));
  } catch (error) {
    throw new UnauthorizedError(`ID token refused: ${(error as { code?: string }).code ?? 'invalid'}`);
  }
  if (claims.nonce !== nonce) throw new UnauthorizedError('ID token refused: wrong nonce');
  // Only a provider's explicit word that the address was verified: many let anyone type any
  // e-mail into a profile, and an absent claim would hand that person the matching account here.
  if (typeof claims.email !== 'string' || claims.email_verified !== true) throw new UnauthorizedError('ID token refused: no verified e-mail');
  return { email: claims.email.toLowerCase() };
}
