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
