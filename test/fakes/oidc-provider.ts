import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** A small OpenID Connect provider on loopback: discovery, keys, and a token endpoint. */
export async function startOidcProvider() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { email: string; nonce: string; aud?: string; claims?: Record<string, unknown> }>();
  const app = new Hono();
  let issuer = '';
  app.get('/.well-known/openid-configuration', (c) =>
    c.json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }),
  );
  app.get('/jwks', (c) => c.json({ keys: [jwk] }));
  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    // RFC 6749 2.3.1: the client id and secret are form-encoded before the Basic encoding.
    const [id, secret] = Buffer.from((c.req.header('authorization') ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':')
      .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
    if (id !== 'switchboard' || secret !== 'client secret') return c.json({ error: 'invalid_client' }, 401);
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!grant) return c.json({ error: 'invalid_grant' }, 400);
    const idToken = await new SignJWT({ email: grant.email, email_verified: true, nonce: grant.nonce, ...grant.claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(grant.aud ?? 'switchboard')
      .setSubject(grant.email)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(privateKey);
    return c.json({ access_token: 'x', token_type: 'Bearer', id_token: idToken });
  });
  let server: ServerType;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      issuer = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
  return {
    get issuer() {
      return issuer;
    },
    /** What the provider does once the user has signed in there: hand out a code for this login (`claims` replace the ID token's, e.g. `email_verified`). */
    grant(email: string, nonce: string, aud?: string, claims?: Record<string, unknown>) {
      const code = `code-${Math.random().toString(36).slice(2)}`;
      codes.set(code, { email, nonce, aud, claims });
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
