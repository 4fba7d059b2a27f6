import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../../../core/config/config.js';
import { UnauthorizedError } from '../../../core/errors.js';

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
type Discovery = z.infer<typeof discoverySchema> & { keys: JWTVerifyGetKey };

const cache = new Map<string, { at: number; discovery: Discovery }>();

/** The provider's endpoints and keys, from its discovery document (kept ten minutes). */
export async function discover(issuer: string): Promise<Discovery> {
  const hit = cache.get(issuer);
  if (hit && Date.now() - hit.at < 600_000) return hit.discovery;
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new UnauthorizedError(`the identity provider's discovery document is unavailable (${response.status})`);
  const document = discoverySchema.parse(await response.json());
  const discovery = { ...document, keys: createRemoteJWKSet(new URL(document.jwks_uri)) };
  cache.set(issuer, { at: Date.now(), discovery });
  return discovery;
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
  const cookie = await new SignJWT({ ...input, state, nonce }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(stateKey(config));
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
  discovery: Discovery,
  client: { issuer: string; clientId: string; clientSecret: string; redirectUri: string },
  code: string,
  nonce: string,
): Promise<{ email: string }> {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new UnauthorizedError(`the identity provider refused the code (${response.status})`);
  const tokens = z.object({ id_token: z.string() }).safeParse(await response.json());
  if (!tokens.success) throw new UnauthorizedError('the identity provider sent no ID token');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(tokens.data.id_token, discovery.keys, { issuer: client.issuer, audience: client.clientId, clockTolerance: 30 }));
  } catch (error) {
    throw new UnauthorizedError(`ID token refused: ${(error as { code?: string }).code ?? 'invalid'}`);
  }
  if (claims.nonce !== nonce) throw new UnauthorizedError('ID token refused: wrong nonce');
  // Only a provider's explicit word that the address was verified: many let anyone type any
  // e-mail into a profile, and an absent claim would hand that person the matching account here.
  if (typeof claims.email !== 'string' || claims.email_verified !== true) throw new UnauthorizedError('ID token refused: no verified e-mail');
  return { email: claims.email.toLowerCase() };
}
