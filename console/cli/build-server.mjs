#!/usr/bin/env node
// `npm run build:server`: the server as one JavaScript file, dist/switchboard.mjs, that runs on
// plain Node.js (no TypeScript loader in the process: ~80 MB less memory, no compile at start),
// and the web chat's browser scripts beside it, dist/web-widget.js (the loader) and
// dist/web-widget-panel.js (the panel it loads on open), so that a production install
// needs no build tool. Packages stay in node_modules; the console's pages (npm run build:web) are
// found from dist/ at run time.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWidget } from '../../connectors/web/widget-options.mjs';

export { buildWidget };

/**
 * The workspace packages (packages/*) ship TypeScript sources, so the bundle takes them in
 * rather than leaving them to plain Node in node_modules.
 */
const workspacePackages = {
  name: 'workspace-packages',
  setup(build) {
    const require = createRequire(import.meta.url);
    build.onResolve({ filter: /^@switchboard\/connector-sdk(\/.*)?$/ }, (args) => ({ path: require.resolve(args.path) }));
  },
};

/** Bundles a TypeScript entry point the way the server is bundled (ESM for Node 20, packages left in node_modules). */
export async function bundleForNode(entry, outfile) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [workspacePackages],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

export async function buildServer(outfile = fileURLToPath(new URL('../../dist/switchboard.mjs', import.meta.url))) {
  await bundleForNode(fileURLToPath(new URL('./switchboard.ts', import.meta.url)), outfile);
  await buildWidget(join(dirname(outfile), 'web-widget.js'));
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
