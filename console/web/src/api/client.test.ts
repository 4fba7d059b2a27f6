import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './client.js';

function recordingFetch(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('prefixes the company path, sends the tenant header, and the CSRF token only on changes', async () => {
    const { calls, fetchImpl } = recordingFetch(() => json({ ok: true }));
    const client = new ApiClient({ basePath: '/t/acme', tenantSlug: 'acme', fetch: fetchImpl });
    client.setCsrfToken('csrf-1');
    await client.get('/conversations', { status: 'open', q: '', page: undefined });
    await client.post('/conversations/1/resolve');
    await client.post('/signup', { a: 1 }, { tenantless: true });
    expect(calls.map((c) => c.url)).toEqual(['/t/acme/api/conversations?status=open', '/t/acme/api/conversations/1/resolve', '/api/signup']);
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(headers[0]!['X-CSRF-Token']).toBeUndefined();
    expect(headers[1]!['X-CSRF-Token']).toBe('csrf-1');
    expect(headers[0]!['X-Switchboard-Tenant']).toBe('acme');
    expect(headers[2]!['X-Switchboard-Tenant']).toBeUndefined();
    // A body-less POST still sends JSON, the only kind the server accepts.
    expect(calls[1]!.init.body).toBe('{}');
    expect(headers[1]!['Content-Type']).toBe('application/json');
  });

  it('turns error answers into ApiError with the field at fault, and reports an ended session', async () => {
    let ended = 0;
    const { fetchImpl } = recordingFetch(() =>
      json({ error: 'invalid_request', message: 'the request is invalid', issues: [{ field: 'email', message: 'Invalid email' }] }, 400),
    );
    const client = new ApiClient({ basePath: '', fetch: fetchImpl });
    client.onSessionEnded = () => ended++;
    const error = await client.post('/session', { email: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', field: 'email', message: 'email: Invalid email' });

    const expired = new ApiClient({ basePath: '', fetch: recordingFetch(() => json({ error: 'unauthorized', message: 'sign in' }, 401)).fetchImpl });
    expired.onSessionEnded = () => ended++;
    await expect(expired.get('/conversations')).rejects.toMatchObject({ status: 401 });
    expect(ended).toBe(1);
  });

  it('copes with an answer that is not JSON', async () => {
    const client = new ApiClient({ basePath: '', fetch: recordingFetch(() => new Response('Bad Gateway', { status: 502 })).fetchImpl });
    await expect(client.get('/x')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' });
  });
});
