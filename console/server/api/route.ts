import type { Context as HonoContext } from 'hono';
import type { z } from 'zod';
import type { Context } from '../../../core/context.js';
import type { Permission, Principal } from '../../../core/auth/permissions.js';
import type { TenantRef } from '../tenancy.js';

/** How a request proved who it is. Browser sessions must also carry their CSRF token on mutations. */
export interface Auth {
  principal: Principal;
  via: 'session' | 'token';
  sessionId?: string;
  sessionVia?: 'password' | 'sso';
  csrfToken?: string;
  tokenId?: string;
}

/** Who may call a route: anybody (sign-in, sign-up), any signed-in user, or holders of a permission. */
export type Access = { public: true } | { signedIn: true } | { permission: Permission } | { anyOf: readonly Permission[] };

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface ApiRequest<P, Q, B, A> {
  c: HonoContext;
  ctx: Context;
  /** The company the request is for; undefined only on routes declared `tenant: false`. */
  tenant: TenantRef;
  auth: A;
  params: P;
  query: Q;
  body: B;
}

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, A> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Below /api, Hono style: `/conversations/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** false for the few routes that are not about one company (sign-up, the API's description). */
  tenant?: boolean;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** The largest body the route reads, refused with 413 past it; 1 MiB unless said. */
  maxBodyBytes?: number;
  /** The answer's shape for the API description; a short text when it is not JSON; `204` when it has no body. */
  responds?: Schema | string | 204;
  /** A valid body, used by the route × role × tenant test to reach past validation. */
  example?: B extends Schema ? z.input<B> : never;
  /** Not part of the JSON API (the WebSocket upgrade, the docs page): left out of the description's bodies. */
  raw?: boolean;
  handler(request: ApiRequest<Infer<P>, Infer<Q>, Infer<B>, A>): Promise<Response> | Response;
}

export type AnyRoute = RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined, any>;

/** A route for signed-in callers: `auth` is always there. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B, Auth> & { access: Exclude<Access, { public: true }> },
): AnyRoute {
  return spec as unknown as AnyRoute;
}

/** A route anybody may call: `auth` is there only when the caller happens to be signed in. */
export function publicRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: Omit<RouteSpec<P, Q, B, Auth | undefined>, 'access'>,
): AnyRoute {
  return { ...spec, access: { public: true } } as unknown as AnyRoute;
}
