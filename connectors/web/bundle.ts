import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { firstExistingPath } from '../../core/config/paths.js';
import { widgetBuildOptions } from './widget-options.mjs';

export interface WidgetBundle {
  code: string;
  etag: string;
}

let bundle: Promise<WidgetBundle> | undefined;

/**
 * The browser script, served by the gateway itself: no CDN. The server bundle reads the script
 * `npm run build` wrote beside it (dist/web-widget.js); from the sources it is built once per
 * process from `widget/widget.ts` with esbuild, a build tool that production installs leave out.
 */
export function widgetBundle(): Promise<WidgetBundle> {
  bundle ??= widgetCode().then((code) => ({ code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 20)}"` }));
  bundle.catch(() => (bundle = undefined));
  return bundle;
}

/** Beside the server bundle: dist/web-widget.js. Beside this source file there is no such file. */
export const builtWidgetPath = new URL('./web-widget.js', import.meta.url);

async function widgetCode(): Promise<string> {
  try {
    return await readFile(builtWidgetPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('the web chat script dist/web-widget.js is missing: run npm run build');
  }
  const result = await esbuild.build({
    ...widgetBuildOptions,
    // Beside this file, or (from a server bundle in `dist/` without its built script) in the sources.
    entryPoints: [firstExistingPath(new URL('./widget/widget.ts', import.meta.url), new URL('../connectors/web/widget/widget.ts', import.meta.url))],
    write: false,
  });
  return result.outputFiles[0]!.text;
}
