import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../core/context.js';
import { createLogger } from '../../core/log/logger.js';
import { createMetrics } from '../../core/metrics/metrics.js';
import { createHttpApp } from './app.js';
import { isAppPage, mountWebApp } from './web-app.js';

/** What the HTTP app itself uses of a process's context. */
const testContext = () => ({ logger: createLogger('silent'), metrics: createMetrics() }) as unknown as Context;

describe('isAppPage', () => {
  it('claims page paths, also below /t/<slug>', () => {
    for (const path of ['/', '/sign-in', '/conversations/1', '/t/acme', '/t/acme/', '/t/acme/admin/channels', '/apis', '/t/acme/hooksmith']) {
      expect(isAppPage(path), path).toBe(true);
    }
  });
  it("leaves the server's own paths and file names alone", () => {
    for (const path of [
      '/api',
      '/api/session',
      '/t/acme/api/session',
      '/hooks/1/x',
      '/widget/w.js',
      '/t/acme/widget/x',
      '/assets/a.js',
      '/healthz',
      '/readyz',
      '/metrics',
      '/favicon.ico',
    ]) {
      expect(isAppPage(path), path).toBe(false);
    }
  });
});

describe('mountWebApp', () => {
  const logger = createLogger('silent');
  it('answers 503 on pages when the app is not built, and still lets other routes through', async () => {
    const app = new Hono();
    mountWebApp(app, { logger, distDir: mkdtempSync(join(tmpdir(), 'sb-nodist-')) });
    app.get('/api/x', (c) => c.json({ ok: true }));
    expect((await app.request('/inbox')).status).toBe(503);
    expect((await app.request('/api/x')).status).toBe(200);
  });
  it('serves the page for client routes and the built assets, and nothing outside them', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'sb-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(join(dist, 'secret.txt'), 'no');
    const app = new Hono();
    app.get('/api/x', (c) => c.json({ ok: true }));
    mountWebApp(app, { logger, distDir: dist });
    app.notFound((c) => c.json({ error: 'not_found' }, 404));
    const page = await app.request('/t/acme/inbox');
    expect(await page.text()).toBe('<div id="root"></div>');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Images and media only from this server: an outside one would reveal the agent's address.
    expect(page.headers.get('content-security-policy')).not.toMatch(/https?:/);
    expect(await (await app.request('/assets/app-1.js')).text()).toBe('console.log(1)');
    expect((await app.request('/assets/../secret.txt')).status).toBe(404);
    expect((await app.request('/secret.txt')).status).toBe(404);
    expect((await app.request('/api/y')).status).toBe(404);
    expect(await (await app.request('/api/y')).json()).toEqual({ error: 'not_found' });
  });
});

describe('compressed answers', () => {
  const logger = createLogger('silent');
  const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word ${i}`))};`;
  function builtApp(options: { precompressed: boolean }) {
    const dist = mkdtempSync(join(tmpdir(), 'sb-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app-1.js'), script);
    writeFileSync(join(dist, 'assets', 'logo-1.png'), Buffer.alloc(4096, 1));
    if (options.precompressed) {
      writeFileSync(join(dist, 'assets', 'app-1.js.br'), brotliCompressSync(script));
      writeFileSync(join(dist, 'assets', 'app-1.js.gz'), gzipSync(script));
    }
    return createHttpApp(testContext(), (app) => {
      app.get('/api/list', (c) => c.json({ items: Array.from({ length: 300 }, (_, i) => ({ id: i, name: `客户 ${i}` })) }));
      app.get('/api/tiny', (c) => c.json({ ok: true }));
      app.get('/api/file', (c) => c.body(script, 200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment' }));
      mountWebApp(app, { logger, distDir: dist });
    });
  }

  it('sends the hashed scripts as brotli or gzip as the browser accepts, cached for good', async () => {
    for (const precompressed of [true, false]) {
      const app = builtApp({ precompressed });
      const br = await app.request('/assets/app-1.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } });
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(br.headers.get('vary')).toBe('Accept-Encoding');
      expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const brBytes = Buffer.from(await br.arrayBuffer());
      expect(brBytes.byteLength).toBeLessThan(script.length / 3);
      expect(brotliDecompressSync(brBytes).toString()).toBe(script);
      const gz = await app.request('/assets/app-1.js', { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);
      const plain = await app.request('/assets/app-1.js');
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(await plain.text()).toBe(script);
    }
  });

  it('never compresses images, stored files or tiny answers; the page is not cached without asking', async () => {
    const app = builtApp({ precompressed: true });
    const accept = { 'Accept-Encoding': 'br, gzip' };
    expect((await app.request('/assets/logo-1.png', { headers: accept })).headers.get('content-encoding')).toBeNull();
    const file = await app.request('/api/file', { headers: accept });
    expect(file.headers.get('content-encoding')).toBeNull();
    expect(await file.text()).toBe(script);
    const tiny = await app.request('/api/tiny', { headers: accept });
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(await tiny.json()).toEqual({ ok: true });
    expect((await app.request('/inbox', { headers: accept })).headers.get('cache-control')).toBe('no-cache');
  });

  it('compresses JSON answers of the API', async () => {
    const app = builtApp({ precompressed: true });
    const answer = await app.request('/api/list', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(answer.headers.get('content-encoding')).toBe('br');
    expect(answer.headers.get('vary')).toContain('Accept-Encoding');
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect(Number(answer.headers.get('content-length'))).toBe(bytes.byteLength);
    expect(JSON.parse(brotliDecompressSync(bytes).toString()).items[299].name).toBe('客户 299');
  });
});
