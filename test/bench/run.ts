// `npm run bench`: runs every benchmark script in this folder (`*.bench.ts`), each in its own
// process, one after the other (they would compete for the same cores). Each script prints one
// JSON object per scenario on stdout; this passes them through and adds nothing else to stdout.
// `npm run bench -- routing` runs only the scripts whose name contains "routing".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();
if (scripts.length === 0) {
  process.stderr.write('no benchmark matched\n');
  process.exit(1);
}
let failed = 0;
for (const script of scripts) {
  process.stderr.write(`bench: ${script}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, script)], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench: ${script} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
