import { Hono } from 'hono';
import type { Context } from '../../core/context.js';
import { compressAnswers } from '../../core/http/compress.js';
import { answerError } from './errors.js';

/**
 * The HTTP face of a process. Operations routes are always there; the parts a process runs
 * (webhooks for the gateway role, the API for the console role) mount theirs through `mount`.
 */
export function createHttpApp(ctx: Context, mount: (app: Hono) => void = () => {}): Hono {
  const app = new Hono();
  app.onError((error, c) => answerError(error, c, ctx.logger));

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath ?? 'unmatched';
    ctx.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    ctx.metrics.httpDuration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
  });
  app.use('*', compressAnswers());

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [database, bus] = await Promise.all([ctx.database.ping(), ctx.bus.ping()]);
    const ready = database && bus;
    return c.json({ status: ready ? 'ready' : 'not_ready', database, bus }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', ctx.metrics.registry.contentType);
    return c.body(await ctx.metrics.registry.metrics());
  });

  mount(app);
  app.notFound((c) => c.json({ error: 'not_found', message: 'no such route' }, 404));
  return app;
}
