import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Hono } from 'hono';
import { firstExistingPath } from '../../core/config/paths.js';
import { compressBody, compressThreshold, type Encoding, isCompressibleType, pickEncoding } from '../../core/http/compress.js';
import type { Logger } from '../../core/log/logger.js';

/**
 * Where `npm run build:web` writes the console's single-page app: beside this file's folder when
 * run from the sources, or from the server bundle in `dist/` (`npm run build:server`).
 */
export const defaultWebDist = firstExistingPath(new URL('../web/dist', import.meta.url), new URL('../console/web/dist', import.meta.url));

/** Paths that belong to the server, never to the app's pages (also below `/t/<slug>`). */
const serverPaths = /^\/(api|hooks|widget|assets|healthz|readyz|metrics)(\/|$)/;
const tenantPrefix = /^\/t\/[a-z0-9][a-z0-9-]{0,62}(?=\/|$)/;

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

/**
 * The page's security policy: scripts, styles, connections, images and media only from this
 * server. A customer's image at an outside address would tell its owner each agent's IP address
 * and browser: the router copies such files into the store (router/media/), else the console
 * offers a link. Nothing may frame the console.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  /** The compressed copies, read from the build or made once. */
  encoded: Map<Encoding, Promise<Buffer>>;
}

/** Whether a GET for `path` should be answered with the app's page (a client-side route). */
export function isAppPage(path: string): boolean {
  const below = path.replace(tenantPrefix, '') || '/';
  if (serverPaths.test(below)) return false;
  // A file name (favicon.ico, robots.txt) is not a page.
  return !/\.[a-z0-9]+$/i.test(below.split('/').pop() ?? '');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * Serves the built console: its hashed assets under /assets (cached for good), and its page for
 * every other GET that is not the server's own (the API, webhooks, the widget, operations), so
 * deep links and reloads work. The files are read once at start: a build replaces them whole.
 */
export function mountWebApp(app: Hono, options: { logger: Logger; distDir?: string }): void {
  const dist = options.distDir ?? defaultWebDist;
  const indexPath = join(dist, 'index.html');
  if (!existsSync(indexPath)) {
    options.logger.warn({ dist }, 'the console web app is not built (npm run build:web); its pages answer 503');
    app.get('*', async (c, next) => {
      if (!isAppPage(c.req.path)) return next();
      return c.text('The console web app is not built. Run: npm run build:web\n', 503);
    });
    return;
  }
  const index = readFileSync(indexPath);
  const assets = new Map<string, Asset>();
  const assetsDir = join(dist, 'assets');
  if (existsSync(assetsDir)) {
    const files = listFiles(assetsDir);
    const present = new Set(files);
    for (const file of files) {
      if (/\.(br|gz)$/.test(file)) continue;
      const url = `/assets/${relative(assetsDir, file).split(sep).join('/')}`;
      const type = contentTypes[extname(file)] ?? 'application/octet-stream';
      const asset: Asset = { body: readFileSync(file), type, encoded: new Map() };
      // The build writes brotli and gzip copies (console/web/build/precompress.ts); a dist without
      // them gets its copies made on first request, once.
      for (const [encoding, suffix] of [
        ['br', '.br'],
        ['gzip', '.gz'],
      ] as const) {
        if (present.has(file + suffix)) asset.encoded.set(encoding, Promise.resolve(readFileSync(file + suffix)));
      }
      assets.set(url, asset);
    }
  }

  app.get('/assets/*', async (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return c.json({ error: 'not_found', message: 'no such file' }, 404);
    const headers: Record<string, string> = {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    };
    const compressible = isCompressibleType(asset.type) && asset.body.byteLength >= compressThreshold;
    if (!compressible) return c.body(new Uint8Array(asset.body), 200, headers);
    headers.Vary = 'Accept-Encoding';
    const encoding = pickEncoding(c.req.header('Accept-Encoding'));
    if (!encoding) return c.body(new Uint8Array(asset.body), 200, headers);
    let encoded = asset.encoded.get(encoding);
    if (!encoded) {
      encoded = compressBody(asset.body, encoding);
      asset.encoded.set(encoding, encoded);
    }
    const body = await encoded;
    return c.body(new Uint8Array(body), 200, { ...headers, 'Content-Encoding': encoding, 'Content-Length': String(body.byteLength) });
  });

  app.get('*', async (c, next) => {
    if (!isAppPage(c.req.path)) return next();
    return c.body(new Uint8Array(index), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      // Activation and reset links carry their token in the address: never pass it on.
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
  });
}
