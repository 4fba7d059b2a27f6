#!/usr/bin/env node
// `npm run build:server`: the server as one JavaScript file, dist/switchboard.mjs, that runs on
// plain Node.js (no TypeScript loader in the process: ~80 MB less memory, no compile at start).
// Packages stay in node_modules; the console's pages (npm run build:web) and the web widget's
// sources are found from dist/ at run time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/** Bundles a TypeScript entry point the way the server is bundled (ESM for Node 20, packages left in node_modules). */
export async function bundleForNode(entry, outfile) {
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}

export function buildServer(outfile = fileURLToPath(new URL('../../dist/switchboard.mjs', import.meta.url))) {
  return bundleForNode(fileURLToPath(new URL('./switchboard.ts', import.meta.url)), outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
