/**
 * The API client: JSON over fetch, the session cookie sent by the browser, the CSRF token on
 * every mutation, and one error type for every failure the server reports.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field at fault, for a validation error. */
    readonly field?: string,
    /** Why a conflict happened, as a stable word (`at_capacity`, `taken`), when the server says. */
    readonly reason?: string,
    /** Whether that field was left out (`required`) or holds a value that is not accepted. */
    readonly problem?: 'required' | 'invalid',
    /** What is wrong with that field, as the server words it ("must be 1 to 100 characters"). */
    readonly fieldMessage?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  tenantless?: boolean;
}

export interface ClientOptions {
  /** '' or '/t/<slug>'; API paths are appended to `${basePath}/api`. */
  basePath: string;
  /** The tenant's slug, sent as a header when the path names it. */
  tenantSlug?: string;
  fetch?: typeof fetch;
}

export const csrfHeader = 'X-CSRF-Token';
export const tenantHeader = 'X-Switchboard-Tenant';

export class ApiClient {
  private csrfToken: string | undefined;
  private readonly fetchImpl: typeof fetch;
  /** Called when the server answers 401 to a request made with a session: it ended. */
  onSessionEnded: (() => void) | undefined;

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** The URL of an API path; `tenantless` paths (sign-up) are not about one company. */
  url(path: string, tenantless = false): string {
    return `${tenantless ? '' : this.options.basePath}/api${path}`;
  }

  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') search.set(key, String(value));
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.request<T>('GET', `${path}${suffix}`);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body, options);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    // A mutation without a body still sends JSON: the server accepts nothing else.
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && body === undefined) body = {};
    const headers: Record<string, string> = { Accept: 'application/json' };
    const raw = body instanceof FormData || body instanceof Blob;
    if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
    if (body instanceof Blob) headers['Content-Type'] = body.type || 'application/octet-stream';
    if (method !== 'GET' && this.csrfToken) headers[csrfHeader] = this.csrfToken;
    if (this.options.tenantSlug && !options.tenantless) headers[tenantHeader] = this.options.tenantSlug;
    const response = await this.fetchImpl(this.url(path, options.tenantless), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const error = errorFrom(response.status, data);
      if (response.status === 401 && !path.startsWith('/auth/')) this.onSessionEnded?.();
      throw error;
    }
    return data as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The server answers errors as `{ error: code, message, issues?: [{ field, message }] }`. */
export function errorFrom(status: number, data: unknown): ApiError {
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    const code = typeof record.error === 'string' ? record.error : `http_${status}`;
    const message = typeof record.message === 'string' ? record.message : code;
    const issues = Array.isArray(record.issues) ? (record.issues as { field?: unknown; message?: unknown; problem?: unknown }[]) : [];
    const first = issues[0];
    const field = typeof first?.field === 'string' ? first.field : undefined;
    const detail = typeof first?.message === 'string' && field ? `${field}: ${first.message}` : message;
    const problem = first?.problem === 'required' || first?.problem === 'invalid' ? first.problem : undefined;
    const fieldMessage = typeof first?.message === 'string' ? first.message : undefined;
    return new ApiError(status, code, detail, field, typeof record.reason === 'string' ? record.reason : undefined, problem, fieldMessage);
  }
  return new ApiError(status, `http_${status}`, typeof data === 'string' && data ? data.slice(0, 200) : `HTTP ${status}`);
}
