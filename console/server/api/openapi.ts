import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { DEFAULT_MAX_BODY_BYTES } from './mount.js';

type JsonSchema = Record<string, unknown>;

/**
 * Schemas named with `.meta({ id })` (the shapes the web app shares, such as `MessageView`) go to
 * `components.schemas` once and are referred to by name, so generated types keep those names. A
 * name whose request form differs from its answer form gets an `Input` twin for the request.
 */
class SchemaBook {
  readonly named: Record<string, JsonSchema> = {};

  of(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
    const { $schema: _drop, definitions, ...rest } = json as JsonSchema & { definitions?: Record<string, JsonSchema> };
    const names = new Map<string, string>();
    const refer = (value: unknown): JsonSchema =>
      JSON.parse(
        JSON.stringify(value).replace(/"#\/definitions\/([^"]+)"/g, (_m, id: string) => JSON.stringify(`#/components/schemas/${names.get(id) ?? id}`)),
      );
    const ids = Object.keys(definitions ?? {});
    for (const id of ids) names.set(id, id);
    for (const id of ids) {
      const shape = refer(definitions![id]);
      const known = this.named[id];
      if (known && JSON.stringify(known) !== JSON.stringify(shape) && io === 'input') names.set(id, `${id}Input`);
    }
    for (const id of ids) this.named[names.get(id)!] ??= refer(definitions![id]);
    return refer(rest);
  }
}

const openApiPath = (path: string) => `/api${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`;

function accessText(route: AnyRoute): string {
  const a = route.access;
  if ('public' in a) return 'public';
  if ('signedIn' in a) return 'any signed-in user';
  if ('permission' in a) return `permission ${a.permission}`;
  return `one of ${a.anyOf.join(', ')}`;
}

function parameters(route: AnyRoute, book: SchemaBook): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = book.of(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property });
    }
  }
  if (route.tenant !== false) {
    out.push({
      name: 'X-Switchboard-Tenant',
      in: 'header',
      required: false,
      schema: { type: 'string' },
      description: 'the company, when neither the subdomain nor /t/<company>/ names it',
    });
  }
  return out;
}

/** The answer when the route succeeds: 204 with no body, or 201 (a POST) / 200 with its schema or a text saying what it is. */
function success(route: AnyRoute, book: SchemaBook): Record<string, JsonSchema> {
  const { responds } = route;
  if (responds === 204) return { '204': { description: 'done; no body' } };
  return {
    [route.method === 'post' && !route.raw ? '201' : '200']: {
      description: typeof responds === 'string' ? responds : 'success',
      ...(typeof responds === 'object' ? { content: { 'application/json': { schema: book.of(responds, 'output') } } } : {}),
    },
  };
}

/** The API description (OpenAPI 3.0), made from the same route table the server runs. */
export function openApiDocument(routes: AnyRoute[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const book = new SchemaBook();
  // Answers first: a shared name means the shape the server answers with.
  for (const route of routes) if (typeof route.responds === 'object') book.of(route.responds, 'output');
  for (const route of routes) {
    const operation: JsonSchema = {
      tags: [route.tag],
      summary: route.summary,
      description: `Access: ${accessText(route)}.${route.access && !('public' in route.access) ? ' Changes made with a session cookie need the X-CSRF-Token header.' : ''}`,
      operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(route, book),
      responses: {
        ...success(route, book),
        '400': {
          description:
            'invalid input; `issues` names each field at fault (also text that cannot be stored: U+0000, an unpaired surrogate, bytes that are not UTF-8, JSON nested deeper than 64 levels)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        ...(route.body || route.maxBodyBytes ? { '413': { description: `the body is over ${route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES} bytes` } } : {}),
        ...('public' in route.access ? {} : { '401': { description: 'not signed in' }, '403': { description: 'missing permission or CSRF token' } }),
        '404': { description: 'no such company or resource (or not visible to the caller)' },
      },
      ...('public' in route.access ? { security: [] } : {}),
    };
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: book.of(route.body, 'input') } } };
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Switchboard console API',
      version: '1',
      description:
        'The API agents and admins use. The company is chosen by subdomain (<company>.<BASE_HOST>), the path form /t/<company>/api/..., or the X-Switchboard-Tenant header.',
    },
    servers: [{ url: serverUrl }],
    security: [{ session: [] }, { apiToken: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'an API token (sbt_…) made at /api/api-tokens' },
      },
      schemas: {
        ...book.named,
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
