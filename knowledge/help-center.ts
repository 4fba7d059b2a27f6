import type { Hono, Context as HonoContext } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { fileAnswer } from '../core/attachments/serve.js';
import type { Context } from '../core/context.js';
import { NotFoundError } from '../core/errors.js';
import { getArticle, getImage, listArticles } from './articles.js';
import { helpCenterUrl } from './links.js';
import { renderBody } from './render.js';
import type { Locale } from './schema.js';
import { searchArticles } from './search.js';

/** Nothing runs, nothing loads from elsewhere; the search form posts back to the page itself. */
export const HELP_CENTER_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const WORDS = {
  en: {
    title: 'Help center',
    search: 'Search',
    searchLabel: 'Search the help center',
    placeholder: 'How can we help?',
    results: (n: number, q: string) => `${n} ${n === 1 ? 'article' : 'articles'} for “${q}”`,
    none: 'No article matches. Try other words, or contact us.',
    empty: 'No articles yet.',
    related: 'Related articles',
    back: 'All articles',
    other: 'Uncategorized',
    updated: 'Updated',
    notFound: 'This page does not exist.',
    switchTo: '中文',
  },
  zh: {
    title: '帮助中心',
    search: '搜索',
    searchLabel: '搜索帮助中心',
    placeholder: '有什么可以帮您?',
    results: (n: number, q: string) => `“${q}”的搜索结果:${n} 篇文章`,
    none: '没有找到相关文章。请换个说法,或联系我们。',
    empty: '暂无文章。',
    related: '相关文章',
    back: '全部文章',
    other: '未分类',
    updated: '更新于',
    notFound: '页面不存在。',
    switchTo: 'English',
  },
} as const;

/** ?lang= first, then the browser's Accept-Language; English when neither says Chinese. */
export function helpLocale(c: HonoContext): Locale {
  const asked = c.req.query('lang');
  if (asked === 'zh' || asked === 'en') return asked;
  const accept = c.req.header('accept-language') ?? '';
  const first = accept
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag: (tag ?? '').toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q)[0];
  return first?.tag.startsWith('zh') ? 'zh' : 'en';
}

function page(locale: Locale, company: string, base: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, q = '') {
  const w = WORDS[locale];
  const other: Locale = locale === 'zh' ? 'en' : 'zh';
  return html`<!doctype html>
    <html lang="${locale === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${company} · ${w.title}</title>
        <style>
          body { font: 16px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1d2433; background: #f7f8fa; }
          header { background: #1f4fd1; color: #fff; padding: 1.5rem 1rem; }
          header a { color: #fff; text-decoration: none; }
          .wrap { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
          header .top { display: flex; justify-content: space-between; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
          header h1 { margin: 0; font-size: 1.4rem; }
          form { display: flex; gap: 0.5rem; margin-top: 1rem; }
          input[type=search] { flex: 1; min-width: 0; font: inherit; padding: 0.55rem 0.75rem; border: 0; border-radius: 6px; }
          button { font: inherit; padding: 0.55rem 1rem; border: 0; border-radius: 6px; background: #0d2f8f; color: #fff; }
          main.wrap { background: #fff; margin: 1.5rem auto; padding: 1rem 1.5rem; border-radius: 8px; box-shadow: 0 1px 3px rgb(0 0 0 / 8%); }
          main img { max-width: 100%; height: auto; }
          h2 { font-size: 1.1rem; margin-top: 1.5rem; }
          ul.articles { padding-left: 1.1rem; }
          .snippet { color: #555; font-size: 0.92rem; margin: 0.1rem 0 0.6rem; }
          .meta { color: #666; font-size: 0.85rem; }
          table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 0.3rem 0.5rem; }
          pre { background: #f3f3f3; padding: 0.6rem; overflow: auto; }
        </style>
      </head>
      <body>
        <header>
          <div class="wrap">
            <div class="top">
              <h1><a href="${base}?lang=${locale}">${company} · ${w.title}</a></h1>
              <a href="?lang=${other}${q ? `&q=${encodeURIComponent(q)}` : ''}" hreflang="${other === 'zh' ? 'zh-CN' : 'en'}">${w.switchTo}</a>
            </div>
            <form method="get" action="${base}" role="search">
              <input type="hidden" name="lang" value="${locale}" />
              <input type="search" name="q" value="${q}" maxlength="200" aria-label="${w.searchLabel}" placeholder="${w.placeholder}" />
              <button type="submit">${w.search}</button>
            </form>
          </div>
        </header>
        <main class="wrap">${body}</main>
      </body>
    </html>`;
}

async function companyOf(ctx: Context, slug: string): Promise<{ id: string; slug: string; name: string } | undefined> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) return undefined;
  return ctx.database.db.selectFrom('tenants').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
}

/**
 * Each company's public help center, `/help/<company>`: its published articles by category,
 * a search form (GET, so it works with no script), one page per article with its related
 * ones. Server-rendered; every word from the company or the reader is escaped by the template,
 * article bodies are sanitized HTML, and the pages carry a policy under which nothing can run.
 */
export function mountHelpCenter(app: Hono, ctx: Context): void {
  const db = ctx.database.db;
  const notFound = (c: HonoContext, locale: Locale) => {
    c.header('Content-Security-Policy', HELP_CENTER_CSP);
    return c.html(
      html`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>404</title></head><body><p>${WORDS[locale].notFound}</p></body></html>`,
      404,
    );
  };

  app.get('/help/:slug', async (c) => {
    const locale = helpLocale(c);
    const company = await companyOf(ctx, c.req.param('slug'));
    if (!company) return notFound(c, locale);
    const w = WORDS[locale];
    const base = `/help/${company.slug}`;
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const link = (id: string) => `${base}/articles/${id}?lang=${locale}`;
    let body: HtmlEscapedString | Promise<HtmlEscapedString>;
    if (q) {
      let hits = await searchArticles(db, company.id, q, { locale, limit: 20 });
      if (hits.length === 0) hits = await searchArticles(db, company.id, q, { limit: 20 });
      body = html`<h2>${w.results(hits.length, q)}</h2>
        ${hits.length === 0 ? html`<p>${w.none}</p>` : ''}
        <ul class="articles">
          ${hits.map((hit) => html`<li><a href="${link(hit.id)}">${hit.title}</a><p class="snippet">${hit.snippet}</p></li>`)}
        </ul>
        <p><a href="${base}?lang=${locale}">${w.back}</a></p>`;
    } else {
      const articles = await listArticles(db, company.id, { state: 'published', locale, limit: 500 });
      const groups = new Map<string, typeof articles>();
      for (const article of [...articles].sort((a, b) => a.title.localeCompare(b.title, locale === 'zh' ? 'zh-CN' : 'en'))) {
        const list = groups.get(article.category) ?? [];
        list.push(article);
        groups.set(article.category, list);
      }
      const names = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
      body =
        articles.length === 0
          ? html`<p>${w.empty}</p>`
          : html`${names.map(
              (name) => html`<section>
                <h2>${name || w.other}</h2>
                <ul class="articles">
                  ${groups.get(name)!.map((a) => html`<li><a href="${link(a.id)}">${a.title}</a></li>`)}
                </ul>
              </section>`,
            )}`;
    }
    c.header('Content-Security-Policy', HELP_CENTER_CSP);
    return c.html(page(locale, company.name, base, body, q));
  });

  app.get('/help/:slug/articles/:id', async (c) => {
    const locale = helpLocale(c);
    const company = await companyOf(ctx, c.req.param('slug'));
    const id = c.req.param('id');
    if (!company || !/^[0-9a-f-]{36}$/.test(id)) return notFound(c, locale);
    const article = await getArticle(db, company.id, id).catch((error) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (article?.state !== 'published') return notFound(c, locale);
    const w = WORDS[locale];
    const base = `/help/${company.slug}`;
    const related = article.related.filter((r) => r.state === 'published');
    const body = html`<p class="meta">${article.category ? html`${article.category} · ` : ''}${w.updated}
        <time datetime="${article.updatedAt}">${article.updatedAt.slice(0, 10)}</time></p>
      <article lang="${article.locale === 'zh' ? 'zh-CN' : 'en'}">
        <h1>${article.title}</h1>
        ${raw(renderBody(article.body, `${base}/images/`))}
      </article>
      ${
        related.length > 0
          ? html`<nav aria-label="${w.related}"><h2>${w.related}</h2><ul class="articles">
              ${related.map((r) => html`<li><a href="${base}/articles/${r.id}?lang=${locale}">${r.title}</a></li>`)}
            </ul></nav>`
          : ''
      }
      <p><a href="${base}?lang=${locale}">${w.back}</a></p>`;
    c.header('Content-Security-Policy', HELP_CENTER_CSP);
    return c.html(page(locale, company.name, base, body));
  });

  // Suggestions while a customer types (the web chat, a company's own site): published
  // articles only, titles and links, readable from any page.
  app.get('/help/:slug/suggest', async (c) => {
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'no-store');
    const company = await companyOf(ctx, c.req.param('slug'));
    if (!company) return c.json({ error: 'not_found', message: 'no such help center' }, 404);
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    const asked = c.req.query('lang');
    const locale = asked === 'zh' || asked === 'en' ? asked : undefined;
    const hits = q ? await searchArticles(db, company.id, q, { locale, limit: 5 }) : [];
    const base = await helpCenterUrl(db, ctx.config, company);
    return c.json({
      articles: hits.map((hit) => ({ title: hit.title, snippet: hit.snippet, score: hit.score, locale: hit.locale, url: `${base}/articles/${hit.id}` })),
    });
  });

  app.get('/help/:slug/images/:id', async (c) => {
    const company = await companyOf(ctx, c.req.param('slug'));
    const id = c.req.param('id');
    if (!company || !/^[0-9a-f-]{36}$/.test(id)) return c.json({ error: 'not_found', message: 'no such image' }, 404);
    try {
      const image = await getImage(db, company.id, id);
      return fileAnswer(image.bytes, { name: image.name, embedders: 'cross-origin', cacheControl: 'public, max-age=86400' });
    } catch (error) {
      if (error instanceof NotFoundError) return c.json({ error: 'not_found', message: 'no such image' }, 404);
      throw error;
    }
  });
}
