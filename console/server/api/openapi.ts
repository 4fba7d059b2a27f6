import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { DEFAULT_MAX_BODY_BYTES } from './mount.js';

type JsonSchema = Record<string, unknown>;

const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const openApiPath = (path: string) => `/api${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`;

function accessText(route: AnyRoute): string {
  const a = route.access;
  if ('public' in a) return 'public';
  if ('signedIn' in a) return 'any signed-in user';
  if ('permission' in a) return `permission ${a.permission}`;
  return `one of ${a.anyOf.join(', ')}`;
}

function parameters(route: AnyRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
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

/** The API description (OpenAPI 3.0), made from the same route table the server runs. */
export function openApiDocument(routes: AnyRoute[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation: JsonSchema = {
      tags: [route.tag],
      summary: route.summary,
      description: `Access: ${accessText(route)}.${route.access && !('public' in route.access) ? ' Changes made with a session cookie need the X-CSRF-Token header.' : ''}`,
      operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: parameters(route),
      responses: {
        [route.method === 'post' && !route.raw ? '201' : '200']: {
          description: typeof route.responds === 'string' ? route.responds : 'success',
          ...(route.responds && typeof route.responds !== 'string' ? { content: { 'application/json': { schema: schemaOf(route.responds) } } } : {}),
        },
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
    if (route.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } };
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
