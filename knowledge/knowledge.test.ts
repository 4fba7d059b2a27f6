import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, signUp, type ApiClient, type TestConsole } from '../test/support/console.js';
import { buildCompany, type Company } from '../test/support/console-world.js';
import { knowledgeRoutes } from './routes.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe('the knowledge base through the API and the help center', () => {
  let tc: TestConsole;
  let acme: Company;
  let globex: ApiClient;
  const page = async (path: string, headers: Record<string, string> = {}) => {
    const response = await tc.app.request(path, { headers });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  beforeAll(async () => {
    tc = await startTestConsole({ env: { PUBLIC_URL: 'https://help.acme.example' } });
    acme = await buildCompany(tc, 'acme');
    globex = (await signUp(tc, 'globex')).admin;
  });
  afterAll(() => tc.stop());

  it('lets holders of knowledge.manage write and publish, every agent read, and no other company see', async () => {
    const agent = acme.clients.supportAgent;
    const article = { locale: 'zh', title: '如何申请退货', body: '<p>7 天内可在订单页面申请退货。</p>', category: '售后', state: 'draft' };
    expect((await agent.post('/api/knowledge/articles', article)).status).toBe(403);
    const bad = await acme.clients.admin.post('/api/knowledge/articles', { ...article, locale: 'fr' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('locale');
    const made = await acme.clients.admin.post('/api/knowledge/articles', article);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ title: '如何申请退货', state: 'draft', version: 1, url: null });

    const listed = await agent.get('/api/knowledge/articles');
    expect(listed.status).toBe(200);
    expect(listed.body.articles.map((a: { title: string }) => a.title)).toEqual(['如何申请退货']);
    expect(listed.body.categories).toEqual([{ name: '售后', articles: 1 }]);
    expect((await globex.get('/api/knowledge/articles')).body.articles).toEqual([]);
    expect((await globex.get(`/api/knowledge/articles/${made.body.id}`)).status).toBe(404);
    expect((await globex.patch(`/api/knowledge/articles/${made.body.id}`, { state: 'published' })).status).toBe(404);

    const published = await acme.clients.admin.patch(`/api/knowledge/articles/${made.body.id}`, { state: 'published', version: 1 });
    expect(published.status).toBe(200);
    // Links are built from the company's address, not the address the request came to.
    expect(published.body.url).toBe(`https://help.acme.example/help/acme/articles/${made.body.id}`);
    const found = await agent.get(`/api/knowledge/articles?q=${encodeURIComponent('退货')}&state=published`);
    expect(found.body.articles).toMatchObject([{ id: made.body.id, url: published.body.url, score: 1 }]);
  });

  it('keeps every save as a version, refuses a save over a newer one, and restores an old one as a new save', async () => {
    const admin = acme.clients.admin;
    const made = (await admin.post('/api/knowledge/articles', { locale: 'en', title: 'Refunds', body: '<p>Five days.</p>', state: 'published' })).body;
    await admin.patch(`/api/knowledge/articles/${made.id}`, { body: '<p>Three days.</p>', version: 1 });
    const stale = await admin.patch(`/api/knowledge/articles/${made.id}`, { title: 'Refunds (old tab)', version: 1 });
    expect(stale.status).toBe(409);
    const versions = (await acme.clients.supportAgent.get(`/api/knowledge/articles/${made.id}/versions`)).body.versions;
    expect(versions.map((v: { version: number; body: string }) => [v.version, v.body])).toEqual([
      [2, '<p>Three days.</p>'],
      [1, '<p>Five days.</p>'],
    ]);
    expect(versions[0].savedByName).toBe('acme admin');
    expect((await acme.clients.supportAgent.post(`/api/knowledge/articles/${made.id}/versions/1/restore`)).status).toBe(403);
    const restored = await admin.post(`/api/knowledge/articles/${made.id}/versions/1/restore`);
    expect(restored.body).toMatchObject({ version: 3, body: '<p>Five days.</p>', state: 'published' });
    expect((await admin.get(`/api/knowledge/articles/${made.id}/versions`)).body.versions).toHaveLength(3);
  });

  it('keeps bodies inert, relates articles of the same company only, and serves images as stored files', async () => {
    const admin = acme.clients.admin;
    const image = await admin.upload('/api/knowledge/images?name=steps.png', PNG, 'image/png');
    expect(image.status, JSON.stringify(image.body)).toBe(201);
    expect(image.body).toMatchObject({ mimeType: 'image/png', src: `images/${image.body.id}` });
    expect((await admin.upload('/api/knowledge/images?name=x.svg', Buffer.from('<svg onload="alert(1)"/>'), 'image/svg+xml')).status).toBe(400);
    const other = (await globex.post('/api/knowledge/articles', { locale: 'en', title: 'Globex only' })).body;
    const target = (await admin.post('/api/knowledge/articles', { locale: 'en', title: 'Where is my parcel', state: 'published' })).body;
    expect((await admin.post('/api/knowledge/articles', { locale: 'en', title: 'x', related: [other.id] })).status).toBe(400);
    const made = await admin.post('/api/knowledge/articles', {
      locale: 'en',
      title: 'Track <b>a</b> parcel',
      state: 'published',
      related: [target.id],
      body: `<p onclick="x()">Open <a href="javascript:alert(1)">this</a> <a href="https://carrier.example">carrier</a></p><script>alert(1)</script><img src="${image.body.src}" alt="steps"><img src="https://tracker.example/p.gif">`,
    });
    expect(made.status).toBe(201);
    expect(made.body.body).toBe(
      `<p>Open <a rel="noopener noreferrer nofollow">this</a> <a href="https://carrier.example" rel="noopener noreferrer nofollow">carrier</a></p><img src="${image.body.src}" alt="steps" />`,
    );
    expect(made.body.related).toEqual([{ id: target.id, title: 'Where is my parcel', state: 'published' }]);

    const download = await acme.clients.supportAgent.download(`/api/knowledge/images/${image.body.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-security-policy')).toContain('sandbox');
    expect((await globex.download(`/api/knowledge/images/${image.body.id}`)).status).toBe(404);

    // The help center: the article page, its escaped title, its image at the help center's address, its related article.
    const help = await page(`/help/acme/articles/${made.body.id}`);
    expect(help.status).toBe(200);
    expect(help.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(help.text).toContain('<h1>Track &lt;b&gt;a&lt;/b&gt; parcel</h1>');
    expect(help.text).toContain(`<img src="/help/acme/images/${image.body.id}" alt="steps" />`);
    expect(help.text).not.toContain('<script>alert');
    expect(help.text).toContain(`href="/help/acme/articles/${target.id}?lang=en"`);
    const img = await tc.app.request(`/help/acme/images/${image.body.id}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await tc.app.request(`/help/globex/images/${image.body.id}`)).status).toBe(404);
  });

  it('answers the help center in the reader’s language, searchable by a GET form, published articles only', async () => {
    const admin = acme.clients.admin;
    const draft = (await admin.post('/api/knowledge/articles', { locale: 'zh', title: '内部草稿', body: '<p>退货流程草稿</p>' })).body;
    const zh = await page('/help/acme', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('帮助中心');
    expect(zh.text).toContain('<h2>售后</h2>');
    expect(zh.text).toContain('如何申请退货');
    expect(zh.text).not.toContain('内部草稿');
    expect(zh.text).not.toContain('Refunds');
    const en = await page('/help/acme?lang=en', { 'accept-language': 'zh-CN' });
    expect(en.text).toContain('Help center');
    expect(en.text).toContain('Refunds');

    const search = await page(`/help/acme?lang=zh&q=${encodeURIComponent('我想退货')}`);
    expect(search.text).toContain('如何申请退货');
    expect(search.text).not.toContain('内部草稿');
    const evil = await page(`/help/acme?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(evil.status).toBe(200);
    expect(evil.text).not.toContain('<script>alert(1)');
    expect(evil.text).toContain('&lt;script&gt;');
    expect((await page(`/help/acme/articles/${draft.id}`)).status).toBe(404);
    expect((await page('/help/no-such-company')).status).toBe(404);
  });

  it('suggests published articles to any page as a customer types, with links at the company address', async () => {
    const answer = await tc.app.request(`/help/acme/suggest?q=${encodeURIComponent('怎么退货')}`, { headers: { origin: 'https://shop.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    const { articles } = (await answer.json()) as { articles: { title: string; url: string; score: number }[] };
    expect(articles.map((a) => a.title)).toEqual(['如何申请退货']);
    expect(articles[0]!.url).toMatch(/^https:\/\/help\.acme\.example\/help\/acme\/articles\/[0-9a-f-]{36}$/);
    const english = (await (await tc.app.request('/help/acme/suggest?q=refund&lang=en')).json()) as { articles: { title: string }[] };
    expect(english.articles.map((a) => a.title)).toEqual(['Refunds']);
    expect(((await (await tc.app.request('/help/acme/suggest?q=')).json()) as { articles: unknown[] }).articles).toEqual([]);
    expect(await (await tc.app.request('/help/globex/suggest?q=refund')).json()).toEqual({ articles: [] });
  });

  it('answers every knowledge route for each role without a 500, refusing what the role may not do', async () => {
    const someArticle = (await acme.clients.admin.get('/api/knowledge/articles')).body.articles[0].id as string;
    const roles: [string, ApiClient][] = [
      ['anonymous', tc.client('acme')],
      ['agent', acme.clients.supportAgent],
      ['admin', acme.clients.admin],
    ];
    for (const route of knowledgeRoutes()) {
      for (const [role, client] of roles) {
        const path = `/api${route.path.replace(':id', route.method === 'get' ? someArticle : randomUUID()).replace(':version', '1')}`;
        const answer = await client.request(route.method.toUpperCase(), path, route.body ? (route.example ?? {}) : undefined, {}, true);
        const what = `${role} ${route.method.toUpperCase()} ${route.path} → ${answer.status}`;
        expect(answer.status, what).toBeLessThan(500);
        if (role === 'anonymous') expect(answer.status, what).toBe(401);
        else if (role === 'agent' && 'permission' in route.access) expect(answer.status, what).toBe(403);
        else expect([401, 403], what).not.toContain(answer.status);
      }
    }
  });
});
