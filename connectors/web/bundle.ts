import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { firstExistingPath } from '../../core/config/paths.js';

export interface WidgetBundle {
  code: string;
  etag: string;
}

let bundle: Promise<WidgetBundle> | undefined;

/**
 * The browser script, built once per process from `widget/widget.ts` (minified, one file, no
 * dependencies) and served by the gateway itself: no CDN.
 */
export function widgetBundle(): Promise<WidgetBundle> {
  bundle ??= build({
    // Beside this file, or (from the server bundle in `dist/`) in the sources.
    entryPoints: [firstExistingPath(new URL('./widget/widget.ts', import.meta.url), new URL('../connectors/web/widget/widget.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome80', 'firefox78', 'safari14'],
    write: false,
    legalComments: 'none',
  }).then((result) => {
    const code = result.outputFiles[0]!.text;
    return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 20)}"` };
  });
  bundle.catch(() => (bundle = undefined));
  return bundle;
}
