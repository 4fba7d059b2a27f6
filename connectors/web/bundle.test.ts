import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidget } from '../../console/cli/build-server.mjs';
import { widgetBundle, widgetPanelBundle } from './bundle.js';

describe('widget bundle', () => {
  it('is a loader under 15 KB gzipped on every page and a panel fetched on open, neither parsing text as HTML', async () => {
    const loader = await widgetBundle();
    const panel = await widgetPanelBundle();
    expect(gzipSync(loader.code).length).toBeLessThan(15 * 1024);
    expect(loader.etag).toMatch(/^"[\w-]+"$/);
    expect(panel.etag).not.toBe(loader.etag);
    for (const { code } of [loader, panel]) expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // The panel's code is not in the loader.
    expect(loader.code).not.toContain('sb-title');
    expect(loader.code).toContain('widget-panel.js');
  });

  it('is the same scripts npm run build writes beside the server bundle', async () => {
    const built = await buildWidget(join(mkdtempSync(join(tmpdir(), 'sb-widget-')), 'web-widget.js'));
    expect(readFileSync(built, 'utf8')).toBe((await widgetBundle()).code);
    expect(readFileSync(join(dirname(built), 'web-widget-panel.js'), 'utf8')).toBe((await widgetPanelBundle()).code);
  });
});
