#!/usr/bin/env node
// The `switchboard` command (and `npm start`): runs the server bundle, dist/switchboard.mjs, on
// plain Node.js. `npm run build` writes it (`npm ci` runs the build). To run the TypeScript
// sources instead, while changing them: `npm run dev` (console/cli/dev.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../../dist/switchboard.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(`switchboard: the server is not built (${bundle} is missing): run npm run build\n`);
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
