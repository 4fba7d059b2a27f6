import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openApiDocument } from './openapi.js';
import { route } from './route.js';

type Responses = Record<string, { description: string; content?: unknown }>;

const responsesOf = (document: Record<string, unknown>, path: string, method: string): Responses =>
  (document as { paths: Record<string, Record<string, { responses: Responses }>> }).paths[path]![method]!.responses;

describe('the API description of an answer', () => {
  const access = { signedIn: true } as const;
  const handler = ({ c }: { c: { body(b: null, s: 204): Response } }) => c.body(null, 204);
  const document = openApiDocument(
    [
      route({ method: 'delete', path: '/things/:id', tag: 't', summary: 'Delete', access, params: z.object({ id: z.string() }), responds: 204, handler }),
      route({ method: 'post', path: '/things', tag: 't', summary: 'Create', access, responds: z.object({ id: z.string() }), handler }),
    ],
    'http://localhost',
  );

  it('says 204 with no body for a route that answers nothing', () => {
    const responses = responsesOf(document, '/api/things/{id}', 'delete');
    expect(responses['204']).toEqual({ description: 'done; no body' });
    expect(responses).not.toHaveProperty('200');
  });

  it('gives a POST its JSON answer under 201', () => {
    const responses = responsesOf(document, '/api/things', 'post');
    expect(responses['201']?.content).toEqual({ 'application/json': { schema: expect.objectContaining({ type: 'object' }) } });
    expect(responses).not.toHaveProperty('204');
  });
});
