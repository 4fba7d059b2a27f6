import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { initialBudget } from './build/budget.js';
import { precompressAssets } from './build/precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The console's single-page app. `npm run build:web` (and `npm ci`, through `prepare`) writes dist/. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), initialBudget({ maxGzipBytes: 250 * 1024 }), precompressAssets({ minBytes: 1024 })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev:web` proxies the API, the webhooks and the widget to a running `npm start`.
    proxy: Object.fromEntries(
      ['^(/t/[^/]+)?/(api|hooks|widget)/'].map((path) => [path, { target: process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:3000', ws: true }]),
    ),
  },
});
