import { html, raw } from 'hono/html';
import { publicRoute, type AnyRoute } from '../api/route.js';
import { openApiDocument } from '../api/openapi.js';

/** The API description and a page that shows it; neither is about one company. */
export function docsRoutes(routes: () => AnyRoute[]): AnyRoute[] {
  return [
    publicRoute({
      method: 'get',
      path: '/openapi.json',
      tag: 'documentation',
      summary: 'This API described in OpenAPI 3',
      tenant: false,
      handler: ({ c, ctx }) => c.json(openApiDocument(routes(), ctx.config.publicUrl)),
    }),
    publicRoute({
      method: 'get',
      path: '/docs',
      tag: 'documentation',
      summary: 'A readable page of this API',
      tenant: false,
      responds: 'text/html',
      handler: ({ c, ctx }) => {
        const document = openApiDocument(routes(), ctx.config.publicUrl) as { paths: Record<string, Record<string, any>> };
        const rows = Object.entries(document.paths).flatMap(([path, operations]) =>
          Object.entries(operations).map(
            ([method, op]) => html`<section>
              <h3><code>${method.toUpperCase()} ${path}</code></h3>
              <p>${op.summary}</p>
              <p><small>${op.description}</small></p>
              ${op.requestBody ? html`<details><summary>body</summary><pre>${JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)}</pre></details>` : ''}
            </section>`,
          ),
        );
        c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
        return c.html(html`<!doctype html>
          <html lang="en">
            <head>
              <meta charset="utf-8" />
              <title>Switchboard console API</title>
              <style>
                body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
                section { border-top: 1px solid #ddd; }
                pre { background: #f6f6f6; padding: 0.5rem; overflow: auto; }
              </style>
            </head>
            <body>
              <h1>Switchboard console API</h1>
              <p>Machine-readable: <a href="openapi.json">openapi.json</a>. ${raw('Errors are JSON: <code>{ error, message, issues: [{ field, message }] }</code>.')}</p>
              ${rows}
            </body>
          </html>`);
      },
    }),
  ];
}
