// The web chat's weight on a company's pages: the loader every page carries (launcher, badge,
// proactive greeting, the Switchboard() API, the three dictionaries) and the panel fetched when
// the visitor opens the chat — bytes as built (minified), gzipped and brotli-compressed. The
// loader's budget is 15 KB gzipped. One JSON object on stdout.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { widgetBundle, widgetPanelBundle } from '../../connectors/web/bundle.js';

const LOADER_BUDGET_GZ = 15 * 1024;

const sizes = (code: string) => ({
  bytes: Buffer.byteLength(code),
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

const loader = sizes((await widgetBundle()).code);
const panel = sizes((await widgetPanelBundle()).code);
process.stdout.write(
  `${JSON.stringify({ bench: 'widget', loader, panel, loader_gz_budget: LOADER_BUDGET_GZ, loader_within_budget: loader.gzip <= LOADER_BUDGET_GZ, total_on_open_gz: loader.gzip + panel.gzip })}\n`,
);
if (loader.gzip > LOADER_BUDGET_GZ) process.exitCode = 1;
