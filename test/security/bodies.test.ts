import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AMQP_URL, DATABASE_URL } from '../support/services.js';
import { peakWhile, postChunked, startPublicServer, type PublicServer } from '../support/public-entries.js';

const MB = 1024 * 1024;
const HUGE = 150 * MB;
/** What one refused request may add to the server's memory. */
const GROWTH_LIMIT = 30 * MB;

/**
 * Memory exhaustion by body: a stranger sends 150 MB to every public entry that reads a body.
 * Each is refused with 413 at its route's limit, counted while the body streams, before auth,
 * signature or parsing; the server's resident memory barely moves.
 */
describe.skipIf(!DATABASE_URL || !AMQP_URL)('request bodies are limited while they stream', () => {
  let server: PublicServer;
  beforeAll(async () => {
    server = await startPublicServer();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** Sends `send()` and answers its result with how much the server's RSS rose above where it was. */
  async function measured<T>(send: () => Promise<T>): Promise<{ result: T; growth: number }> {
    const before = server.rssBytes();
    const { result, peak } = await peakWhile(server.rssBytes, send);
    return { result, growth: peak - before };
  }

  it('refuses 150 MB chunked to a provider webhook with 413 before checking its signature', async () => {
    const { result, growth } = await measured(() => postChunked(`${server.url}/hooks/${server.whatsapp.id}`, HUGE, { 'x-hub-signature-256': 'sha256=forged' }));
    expect(result.status).toBe(413);
    // Answered at the limit, while the client was still sending: the rest was never waited for.
    expect(result.sent).toBeLessThan(HUGE);
    expect(JSON.parse(result.body).error).toBe('too_large');
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('refuses 150 MB chunked to the app API with 413 before looking at its API key', async () => {
    const { result, growth } = await measured(() => postChunked(`${server.url}/hooks/${server.app.id}/messages`, HUGE));
    expect(result.status).toBe(413);
    // Answered at the limit, while the client was still sending: the rest was never waited for.
    expect(result.sent).toBeLessThan(HUGE);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('refuses 150 MB chunked to the console API’s public sign-in with 413', async () => {
    const { result, growth } = await measured(() => postChunked(`${server.url}/api/session`, HUGE, { 'x-switchboard-tenant': server.slug }));
    expect(result.status).toBe(413);
    // Answered at the limit, while the client was still sending: the rest was never waited for.
    expect(result.sent).toBeLessThan(HUGE);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('refuses 150 MB chunked to the web chat’s session with 413', async () => {
    const { result, growth } = await measured(() => postChunked(`${server.url}/widget/${server.web.publicKey}/session`, HUGE));
    expect(result.status).toBe(413);
    // Answered at the limit, while the client was still sending: the rest was never waited for.
    expect(result.sent).toBeLessThan(HUGE);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('refuses a 150 MB chunked upload from any web chat visitor with 413 at the channel’s file limit', async () => {
    const session = await fetch(`${server.url}/widget/${server.web.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = (await session.json()) as { token: string };
    const { result, growth } = await measured(() =>
      postChunked(`${server.url}/widget/${server.web.publicKey}/uploads?name=big.png`, HUGE, { authorization: `Bearer ${token}`, 'content-type': 'image/png' }),
    );
    expect(result.status).toBe(413);
    // Answered at the limit, while the client was still sending: the rest was never waited for.
    expect(result.sent).toBeLessThan(HUGE);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('refuses a body declared at 150 MB at once, on the web chat and the console API, reading none of it', async () => {
    for (const [path, headers] of [
      [`/widget/${server.web.publicKey}/session`, {}],
      ['/api/session', { 'x-switchboard-tenant': server.slug }],
    ] as const) {
      const { result, growth } = await measured(() => postDeclared(`${server.url}${path}`, HUGE, headers));
      expect(result).toBe(413);
      expect(growth).toBeLessThan(GROWTH_LIMIT);
    }
  });

  it('takes no more than a Content-Length declares: 150 MB behind a declared 100 bytes is never one body', async () => {
    const { result, growth } = await measured(() => postLying(`${server.url}/widget/${server.web.publicKey}/session`, 100, HUGE));
    // The 100 bytes are not JSON (400); the rest is not a request either, and the connection is
    // closed. While the client is still writing, the close can reset the connection before the
    // 400 is read (0): either way nothing was taken.
    expect([400, 0]).toContain(result);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
  });

  it('closes a web chat socket that sends a 20 MB frame instead of buffering it', async () => {
    const session = await fetch(`${server.url}/widget/${server.web.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = (await session.json()) as { token: string };
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/widget/${server.web.publicKey}/socket?token=${token}`);
    await new Promise((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
    });
    const { result: code, growth } = await measured(
      () =>
        new Promise<number>((resolve) => {
          socket.once('close', (closeCode) => resolve(closeCode));
          socket.send(Buffer.alloc(20 * MB, 'x'));
          // Still open after the frame is long through: it was taken.
          setTimeout(() => resolve(-1), 10_000).unref();
        }),
    );
    // 1009: message too big.
    expect(code).toBe(1009);
    expect(growth).toBeLessThan(GROWTH_LIMIT);
    socket.terminate();
  });

  it('still takes a body under the limit', async () => {
    const session = await fetch(`${server.url}/widget/${server.web.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { name: 'x'.repeat(500) } }),
    });
    expect(session.status).toBe(200);
  });
});

/** A POST declaring `declared` bytes (Content-Length) and sending them as fast as the socket takes; answers the status the server gave. */
function postDeclared(url: string, declared: number, headers: Record<string, string>): Promise<number> {
  return rawPost(url, declared, declared, headers);
}

/** A POST whose Content-Length says `declared` but which sends `actual` bytes. */
function postLying(url: string, declared: number, actual: number): Promise<number> {
  return rawPost(url, declared, actual, {});
}

function rawPost(url: string, declared: number, actual: number, headers: Record<string, string>): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return new Promise((resolve) => {
    let answer = '';
    let sent = 0;
    let done = false;
    const socket = connect(Number(port), hostname, () => {
      const head = [
        `POST ${pathname} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${declared}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      const write = () => {
        while (!done && sent < actual) {
          const piece = sent + chunk.length > actual ? chunk.subarray(0, actual - sent) : chunk;
          sent += piece.length;
          if (!socket.write(piece)) return void socket.once('drain', write);
        }
      };
      write();
    });
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}/.test(answer)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}
