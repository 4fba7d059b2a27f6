import { z } from 'zod';
import { fileAnswer } from '../core/attachments/serve.js';
import { cleanFileName } from '../core/attachments/store.js';
import { readBody } from '../core/http/body.js';
import { idParams } from '../console/server/api/checks.js';
import { route, type AnyRoute } from '../console/server/api/route.js';
import { audit } from '../console/server/audit.js';
import { answer } from '../console/server/api/answers.js';
import {
  createArticle,
  deleteArticle,
  getArticle,
  getImage,
  IMAGE_MAX_BYTES,
  listArticles,
  listCategories,
  listVersions,
  putImage,
  restoreVersion,
  updateArticle,
} from './articles.js';
import { articleUrl, helpCenterUrl } from './links.js';
import { searchArticles } from './search.js';

const locale = z.enum(['zh', 'en']);
const state = z.enum(['draft', 'published']);
const articleBody = z.object({
  locale,
  title: z.string().trim().min(1).max(200),
  body: z.string().max(200_000).default(''),
  category: z.string().trim().max(80).default(''),
  state: state.default('draft'),
  related: z.array(z.uuid()).max(20).default([]),
});
const articleChange = z.object({
  locale: locale.optional(),
  title: z.string().trim().min(1).max(200).optional(),
  body: z.string().max(200_000).optional(),
  category: z.string().trim().max(80).optional(),
  state: state.optional(),
  related: z.array(z.uuid()).max(20).optional(),
  /** The version the editor started from: a save over a newer one is refused with 409. */
  version: z.number().int().min(1).optional(),
});

const at = z.string().describe('an instant, ISO 8601 (UTC)');
const url = z.string().nullable().describe('where customers read it; null while a draft');

/** An article as lists and search show it: search hits add a snippet and a score, plain lists the version. */
const articleSummarySchema = z
  .object({
    id: z.string(),
    locale,
    title: z.string(),
    category: z.string(),
    state,
    updatedAt: at,
    url,
    version: z.number().optional(),
    snippet: z.string().optional().describe('a search hit: a piece of the body around what was found'),
    score: z.number().optional().describe('a search hit: how well it answers the query, 0 to 1'),
  })
  .meta({ id: 'ArticleSummary' });
const articleList = z.object({
  articles: z.array(articleSummarySchema),
  categories: z.array(z.object({ name: z.string(), articles: z.number() })),
  helpCenter: z.string().describe('the help center’s address'),
});

/** One article, its body HTML kept without anything that could run. */
const articleSchema = z
  .object({
    id: z.string(),
    locale,
    title: z.string(),
    body: z.string(),
    category: z.string(),
    state,
    version: z.number(),
    related: z.array(z.object({ id: z.string(), title: z.string(), state })),
    createdAt: at,
    updatedAt: at,
    publishedAt: at.nullable(),
    url,
  })
  .meta({ id: 'Article' });

const articleVersionSchema = z
  .object({
    version: z.number(),
    locale,
    title: z.string(),
    body: z.string(),
    category: z.string(),
    state,
    savedBy: z.string().nullable(),
    savedByName: z.string().nullable(),
    savedAt: at,
  })
  .meta({ id: 'ArticleVersion' });
const versionList = z.object({ versions: z.array(articleVersionSchema) });

/**
 * The knowledge base in the console: every agent reads and searches (and links articles in
 * replies); holders of `knowledge.manage` write, publish, restore and upload images.
 */
/** An image kept for article bodies; `src` is what an article's HTML refers to it by. */
const knowledgeImageSchema = z
  .object({ id: z.string(), name: z.string(), mimeType: z.string(), size: z.number(), src: z.string().describe('images/<id>, relative to the article') })
  .meta({ id: 'KnowledgeImage' });

export function knowledgeRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/knowledge/articles',
      tag: 'knowledge',
      summary:
        'Articles of the knowledge base, newest change first, or the best matches of ?q= (Chinese or English); narrowed by ?state=, ?locale=, ?category=. Published ones carry their help-center url',
      access: { signedIn: true },
      query: z.object({
        q: z.string().trim().max(200).optional(),
        state: state.optional(),
        locale: locale.optional(),
        category: z.string().trim().max(80).optional(),
      }),
      responds: articleList,
      handler: async ({ c, ctx, tenant, query }) => {
        const db = ctx.database.db;
        const list = query.q
          ? (
              await searchArticles(db, tenant.id, query.q, {
                limit: 50,
                includeDrafts: query.state !== 'published',
                locale: query.locale,
                category: query.category,
              })
            ).filter((hit) => !query.state || hit.state === query.state)
          : await listArticles(db, tenant.id, query);
        const base = await helpCenterUrl(db, ctx.config, tenant);
        return answer(c, articleList, {
          articles: list.map((a) => ({ ...a, url: a.state === 'published' ? `${base}/articles/${a.id}` : null })),
          categories: await listCategories(db, tenant.id),
          helpCenter: base,
        });
      },
    }),
    route({
      method: 'post',
      path: '/knowledge/articles',
      tag: 'knowledge',
      summary: 'Write an article (a draft unless state is published); the body is HTML, kept without anything that could run',
      access: { permission: 'knowledge.manage' },
      body: articleBody,
      example: { locale: 'en', title: 'How refunds work', body: '<p>Refunds reach your card in 5 days.</p>', category: 'Billing', state: 'draft', related: [] },
      responds: articleSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const article = await createArticle(ctx.database.db, tenant.id, auth.principal.userId, body);
        await audit(
          ctx.database.db,
          auth,
          'knowledge.article_created',
          { type: 'knowledge_article', id: article.id },
          { title: article.title, state: article.state },
        );
        return answer(c, articleSchema, await withUrl(ctx, tenant, article), 201);
      },
    }),
    route({
      method: 'get',
      path: '/knowledge/articles/:id',
      tag: 'knowledge',
      summary: 'One article with its related articles and, once published, its help-center url',
      access: { signedIn: true },
      params: idParams,
      responds: articleSchema,
      handler: async ({ c, ctx, tenant, params }) =>
        answer(c, articleSchema, await withUrl(ctx, tenant, await getArticle(ctx.database.db, tenant.id, params.id))),
    }),
    route({
      method: 'patch',
      path: '/knowledge/articles/:id',
      tag: 'knowledge',
      summary: 'Save a change as the next version (the previous one stays in the history); with version, refused (409) when someone saved meanwhile',
      access: { permission: 'knowledge.manage' },
      params: idParams,
      body: articleChange,
      example: { title: 'How refunds work', state: 'published' },
      responds: articleSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const { version, ...change } = body;
        const article = await updateArticle(ctx.database.db, tenant.id, auth.principal.userId, params.id, change, version);
        await audit(
          ctx.database.db,
          auth,
          'knowledge.article_updated',
          { type: 'knowledge_article', id: article.id },
          { title: article.title, version: article.version, state: article.state },
        );
        return answer(c, articleSchema, await withUrl(ctx, tenant, article));
      },
    }),
    route({
      method: 'delete',
      path: '/knowledge/articles/:id',
      tag: 'knowledge',
      summary: 'Delete an article and its history',
      access: { permission: 'knowledge.manage' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const gone = await deleteArticle(ctx.database.db, tenant.id, params.id);
        await audit(ctx.database.db, auth, 'knowledge.article_deleted', { type: 'knowledge_article', id: params.id }, { title: gone.title });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'get',
      path: '/knowledge/articles/:id/versions',
      tag: 'knowledge',
      summary: 'Every saved version of an article, newest first, with who saved it',
      access: { signedIn: true },
      params: idParams,
      responds: versionList,
      handler: async ({ c, ctx, tenant, params }) => answer(c, versionList, { versions: await listVersions(ctx.database.db, tenant.id, params.id) }),
    }),
    route({
      method: 'post',
      path: '/knowledge/articles/:id/versions/:version/restore',
      tag: 'knowledge',
      summary: 'Make an earlier version current again, saved as a new version (its publication state stays as it is)',
      access: { permission: 'knowledge.manage' },
      params: z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) }),
      responds: articleSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const article = await restoreVersion(ctx.database.db, tenant.id, auth.principal.userId, params.id, params.version);
        await audit(
          ctx.database.db,
          auth,
          'knowledge.article_restored',
          { type: 'knowledge_article', id: article.id },
          { title: article.title, from: params.version },
        );
        return answer(c, articleSchema, await withUrl(ctx, tenant, article));
      },
    }),
    route({
      method: 'post',
      path: '/knowledge/images',
      tag: 'knowledge',
      summary:
        'Upload an image for article bodies (PNG, JPEG, GIF or WebP, at most 5 MB; the raw bytes as the body, its name in ?name=); answers the src to use',
      access: { permission: 'knowledge.manage' },
      query: z.object({ name: z.string().trim().min(1).max(255) }),
      responds: knowledgeImageSchema,
      raw: true,
      maxBodyBytes: IMAGE_MAX_BYTES,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        const bytes = await readBody(c, IMAGE_MAX_BYTES);
        return answer(c, knowledgeImageSchema, await putImage(ctx.database.db, tenant.id, auth.principal.userId, cleanFileName(query.name, 'png'), bytes), 201);
      },
    }),
    route({
      method: 'get',
      path: '/knowledge/images/:id',
      tag: 'knowledge',
      summary: 'An image of the knowledge base, answered as every stored file is (type from its bytes, never able to run)',
      access: { signedIn: true },
      params: idParams,
      responds: 'the image’s bytes',
      raw: true,
      handler: async ({ ctx, tenant, params }) => {
        const image = await getImage(ctx.database.db, tenant.id, params.id);
        return fileAnswer(image.bytes, { name: image.name, embedders: 'same-origin', cacheControl: 'private, max-age=3600' });
      },
    }),
  ];
}

async function withUrl<T extends { id: string; state: string }>(
  ctx: Parameters<AnyRoute['handler']>[0]['ctx'],
  tenant: { id: string; slug: string },
  article: T,
): Promise<T & { url: string | null }> {
  return { ...article, url: article.state === 'published' ? await articleUrl(ctx.database.db, ctx.config, tenant, article.id) : null };
}
