#!/usr/bin/env node
// `npm run dev` and the tests: the `switchboard` command on the TypeScript sources, through tsx's
// loader (a devDependency). Production runs the bundle instead (console/cli/bin.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./switchboard.ts');
