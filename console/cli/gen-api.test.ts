import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES, consoleApiDocument, generatedApiTypes } from './gen-api.js';

describe('the web app’s generated API types', () => {
  it('match the route table (run `npm run gen:api` after changing a route)', async () => {
    const fresh = await generatedApiTypes();
    expect(readFileSync(GENERATED_TYPES, 'utf8') === fresh, 'console/web/src/api/openapi.d.ts is stale: run `npm run gen:api`').toBe(true);
  });

  it('name the shapes the console shares with the server', () => {
    const document = consoleApiDocument() as { components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> };
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['MessageView', 'ConversationView', 'UserView', 'Session', 'Error']));
    expect(document.paths).toHaveProperty(['/api/conversations/{id}']);
  });
});
