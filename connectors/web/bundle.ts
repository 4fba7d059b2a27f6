import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface WidgetBundle {
  code: string;
  etag: string;
}

let bundle: Promise<WidgetBundle> | undefined;

/** The widget's source: beside this file, or (from the server bundle in `dist/`) in the sources. */
function widgetSource(): string {
  const candidates = [new URL('./widget/widget.ts', import.meta.url), new URL('../connectors/web/widget/widget.ts', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

/**
 * The browser script, built once per process from `widget/widget.ts` (minified, one file, no
 * dependencies) and served by the gateway itself: no CDN.
 */
export function widgetBundle(): Promise<WidgetBundle> {
  bundle ??= build({
    entryPoints: [widgetSource()],
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
