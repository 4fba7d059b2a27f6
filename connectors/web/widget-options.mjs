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
