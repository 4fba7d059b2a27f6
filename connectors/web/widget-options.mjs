import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// How the web chat's browser scripts are built: the loader from widget/widget.ts and the panel
// from widget/panel.ts (each minified into one file, no dependencies). `npm run build` writes them
// beside the server bundle (dist/web-widget.js, dist/web-widget-panel.js); a server running from
// the sources builds each on its first request. Plain JavaScript so that the build
// script (console/cli/build-server.mjs) and the server share it.
export const widgetBuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome80', 'firefox78', 'safari14'],
  legalComments: 'none',
};

/**
 * Writes the web chat's browser scripts where the server bundle beside it reads them: the loader
 * (`outfile`, web-widget.js) and the panel it loads on open (web-widget-panel.js beside it).
 */
export async function buildWidget(outfile) {
  // Loaded here, not at the top: production installs leave the build tool out.
  const { build } = await import('esbuild');
  const entry = (name) => fileURLToPath(new URL(`./widget/${name}`, import.meta.url));
  await build({ ...widgetBuildOptions, entryPoints: [entry('widget.ts')], outfile, logLevel: 'warning' });
  await build({ ...widgetBuildOptions, entryPoints: [entry('panel.ts')], outfile: join(dirname(outfile), 'web-widget-panel.js'), logLevel: 'warning' });
  return outfile;
}
