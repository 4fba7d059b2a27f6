/**
 * The console API's shapes, read from the types generated from the server's OpenAPI document
 * (openapi.d.ts, written by `npm run gen:api`). Named shapes come from `Schemas`; a route's body,
 * query and answer by its path and method, as the document lists them (`/api/...`).
 */
import type { components, paths } from './openapi.js';

export type Schemas = components['schemas'];
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body a route takes (what the server's schema accepts). */
export type Body<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer R } ? Json<NonNullable<R>> : never;

/** The query a route reads. */
export type Query<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** What a route answers, where the server describes it. */
export type Answer<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? Json<R[200 & keyof R]> | Json<R[201 & keyof R]> : never;
