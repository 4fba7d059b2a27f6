import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { firstExistingPath } from '../../core/config/paths.js';
import { widgetBuildOptions } from './widget-options.mjs';

export interface WidgetBundle {
  code: string;
  etag: string;
}

const bundles = new Map<string, Promise<WidgetBundle>>();

/**
 * The browser scripts, served by the gateway itself: no CDN. The loader (`widget.js`: launcher,
 * unread badge, proactive greeting, the `Switchboard()` API) is on every page of the company's
 * site; the panel (`widget-panel.js`: the conversation, forms, composer) loads when the visitor
 * opens the chat. The server bundle reads the scripts `npm run build` wrote beside it
 * (dist/web-widget.js, dist/web-widget-panel.js); from the sources each is built once per process
 * with esbuild, a build tool that production installs leave out.
 */
export function widgetBundle(): Promise<WidgetBundle> {
  return load('widget');
}

export function widgetPanelBundle(): Promise<WidgetBundle> {
  return load('panel');
}

/** The entry point of each script under widget/, and the file name `npm run build` gives it. */
export const WIDGET_SCRIPTS = { widget: { entry: 'widget.ts', built: 'web-widget.js' }, panel: { entry: 'panel.ts', built: 'web-widget-panel.js' } } as const;

function load(name: keyof typeof WIDGET_SCRIPTS): Promise<WidgetBundle> {
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = widgetCode(name).then((code) => ({ code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 20)}"` }));
    bundle.catch(() => bundles.delete(name));
    bundles.set(name, bundle);
  }
  return bundle;
}

async function widgetCode(name: keyof typeof WIDGET_SCRIPTS): Promise<string> {
  const script = WIDGET_SCRIPTS[name];
  // Beside the server bundle: dist/web-widget.js. Beside this source file there is no such file.
  try {
    return await readFile(new URL(`./${script.built}`, import.meta.url), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error(`the web chat script dist/${script.built} is missing: run npm run build`);
  }
  const result = await esbuild.build({
    ...widgetBuildOptions,
    // Beside this file, or (from a server bundle in `dist/` without its built script) in the sources.
    entryPoints: [
      firstExistingPath(new URL(`./widget/${script.entry}`, import.meta.url), new URL(`../connectors/web/widget/${script.entry}`, import.meta.url)),
    ],
    write: false,
  });
  return result.outputFiles[0]!.text;
}
