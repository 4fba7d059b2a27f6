import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log/logger.js';
import { isAppPage, mountWebApp } from './web-app.js';

describe('isAppPage', () => {
  it('claims page paths, also below /t/<slug>', () => {
    for (const path of ['/', '/sign-in', '/conversations/1', '/t/acme', '/t/acme/', '/t/acme/admin/channels', '/apis', '/t/acme/hooksmith']) {
      expect(isAppPage(path), path).toBe(true);
    }
  });
  it("leaves the server's own paths and file names alone", () => {
    for (const path of ['/api', '/api/session', '/t/acme/api/session', '/hooks/1/x', '/widget/w.js', '/t/acme/widget/x', '/assets/a.js', '/healthz', '/readyz', '/metrics', '/favicon.ico']) {
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
