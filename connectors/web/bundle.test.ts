import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidget } from './widget-options.mjs';
import { widgetBundle } from './bundle.js';

describe('widget bundle', () => {
  it('builds into one small script, well under 50 KB gzipped, that never parses text as HTML', async () => {
    const { code, etag } = await widgetBundle();
    const gzipped = gzipSync(code).length;
    expect(gzipped).toBeLessThan(50 * 1024);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    process.stdout.write(`widget bundle: ${code.length} bytes, ${gzipped} bytes gzipped\n`);
  });

  it('is the same script npm run build writes beside the server bundle', async () => {
    const built = await buildWidget(join(mkdtempSync(join(tmpdir(), 'sb-widget-')), 'web-widget.js'));
    expect(readFileSync(built, 'utf8')).toBe((await widgetBundle()).code);
  });
});
