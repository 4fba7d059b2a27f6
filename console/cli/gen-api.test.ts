import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleApiRoutes } from '../../app/pipeline.js';
import { describedConsoleRoutes } from '../server/routes/index.js';
import { GENERATED_TYPES, consoleApiDocument, generatedApiTypes } from './gen-api.js';

/**
 * Routes of the API description whose answer is not described (no `responds`): the description
 * itself. Lower this as they get described.
 */
const UNDESCRIBED_AT_MOST = 1;

type Operation = { responses: Record<string, { content?: unknown }> };

/** Every `Answer<'/api/…', 'method'>` the web app reads, by the file it is in. */
function answersTheAppReads(): { file: string; path: string; method: string }[] {
  const root = resolve(import.meta.dirname, '../web/src');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  return files.flatMap((file) =>
    [...readFileSync(join(root, file), 'utf8').matchAll(/Answer<\s*'([^']+)',\s*'(\w+)'\s*>/g)].map(([, path, method]) => ({
      file,
      path: path!,
      method: method!,
    })),
  );
}

describe('the web app’s generated API types', () => {
  it('match the route table (run `npm run gen:api` after changing a route)', async () => {
    const fresh = await generatedApiTypes();
    expect(readFileSync(GENERATED_TYPES, 'utf8') === fresh, 'console/web/src/api/openapi.d.ts is stale: run `npm run gen:api`').toBe(true);
  });

  it('name the shapes the console shares with the server', () => {
    const document = consoleApiDocument() as { components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> };
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['MessageView', 'ConversationView', 'UserView', 'Session', 'ContactDetail', 'Ticket', 'ChannelView', 'GroupView', 'Error']),
    );
    expect(document.paths).toHaveProperty(['/api/conversations/{id}']);
  });

  // Answer<> of a route without `responds` is `never`, which the compiler lets through anywhere.
  it('describe every answer the web app reads', () => {
    const paths = (consoleApiDocument() as { paths: Record<string, Record<string, Operation>> }).paths;
    const reads = answersTheAppReads();
    expect(reads.length).toBeGreaterThan(50);
    const undescribed = reads.filter(({ path, method }) => {
      const responses = paths[path]?.[method]?.responses ?? {};
      return !(responses['200']?.content || responses['201']?.content);
    });
    expect(undescribed).toEqual([]);
  });

  it(`leave at most ${UNDESCRIBED_AT_MOST} routes without a described answer`, () => {
    const undescribed = describedConsoleRoutes(assembleApiRoutes())
      .filter((route) => !route.responds)
      .map((route) => `${route.method.toUpperCase()} /api${route.path}`);
    expect(undescribed.length, `routes without responds:\n${undescribed.join('\n')}`).toBeLessThanOrEqual(UNDESCRIBED_AT_MOST);
  });
});
