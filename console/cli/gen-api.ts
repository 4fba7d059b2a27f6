/**
 * Writes the web app's API types (console/web/src/api/openapi.d.ts) from the OpenAPI document of
 * the same route table the console serves, built in-process: no server, no database. Run with
 * `npm run gen:api` after changing a route's params, query, body or `responds`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleApiRoutes } from '../../app/pipeline.js';
import { openApiDocument } from '../server/api/openapi.js';
import { describedConsoleRoutes } from '../server/routes/index.js';
import { typesOfOpenApi } from '../../packages/openapi-gen/src/index.js';

export const GENERATED_TYPES = resolve(import.meta.dirname, '../web/src/api/openapi.d.ts');

/** The document /api/openapi.json serves, but for the server address, which the types do not carry. */
export function consoleApiDocument(): Record<string, unknown> {
  return openApiDocument(describedConsoleRoutes(assembleApiRoutes()), 'http://localhost:3000');
}

/** The text of openapi.d.ts as the route table says it should be. */
export async function generatedApiTypes(): Promise<string> {
  return typesOfOpenApi(consoleApiDocument());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_TYPES, await generatedApiTypes());
  console.log(`wrote ${GENERATED_TYPES}`);
}
