import { fileURLToPath } from 'node:url';

// How the web chat's browser script is built from widget/widget.ts (minified, one file, no
// dependencies). `npm run build` writes it beside the server bundle (dist/web-widget.js); a server
// running from the sources builds it on the first request. Plain JavaScript so that the build
// script (console/cli/build-server.mjs) and the server share it.
export const widgetBuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome80', 'firefox78', 'safari14'],
  legalComments: 'none',
};

/** Writes the web chat's browser script to `outfile` (the server bundle reads it from beside itself). */
export async function buildWidget(outfile) {
  // Loaded here, not at the top: production installs leave the build tool out.
  const { build } = await import('esbuild');
  const entry = fileURLToPath(new URL('./widget/widget.ts', import.meta.url));
  await build({ ...widgetBuildOptions, entryPoints: [entry], outfile, logLevel: 'warning' });
  return outfile;
}
