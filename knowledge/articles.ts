import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { sql } from 'kysely';
import type { Db } from '../core/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { plainText, sanitizeBody } from './render.js';
import { knowledgeDb, type ArticleState, type KnowledgeDb, type KnowledgeTrx, type Locale } from './schema.js';

export interface ArticleInput {
  locale: Locale;
  title: string;
  body: string;
  category: string;
  state: ArticleState;
  related: string[];
}

export interface ArticleView {
  id: string;
  locale: Locale;
  title: string;
  body: string;
  category: string;
  state: ArticleState;
  version: number;
  related: { id: string; title: string; state: ArticleState }[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const ARTICLE_COLUMNS = ['id', 'locale', 'title', 'body', 'category', 'state', 'version', 'created_at', 'updated_at', 'published_at'] as const;

/** Every related article must be another of this company's; answered in the order given, once each. */
async function checkRelated(db: KnowledgeDb | KnowledgeTrx, tenantId: string, self: string | undefined, related: string[]): Promise<string[]> {
  const ids = [...new Set(related)].filter((id) => id !== self);
  if (ids.length === 0) return [];
  const known = await db.selectFrom('knowledge_articles').select('id').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  if (known.length !== ids.length)
    throw new ValidationError('unknown related article', [{ field: 'related', message: 'each must be an article of this company' }]);
  return ids;
}

async function writeRelated(trx: KnowledgeTrx, tenantId: string, articleId: string, related: string[]): Promise<void> {
  await trx.deleteFrom('knowledge_related').where('tenant_id', '=', tenantId).where('article_id', '=', articleId).execute();
  if (related.length > 0)
    await trx
      .insertInto('knowledge_related')
      .values(related.map((id, position) => ({ tenant_id: tenantId, article_id: articleId, related_id: id, position })))
      .execute();
}

/** Keeps the article's saved state as its version `version`: the history a restore reads. */
async function keepVersion(trx: KnowledgeTrx, tenantId: string, articleId: string, userId: string | null): Promise<void> {
  await trx
    .insertInto('knowledge_article_versions')
    .columns(['tenant_id', 'article_id', 'version', 'locale', 'title', 'body', 'category', 'state', 'saved_by', 'saved_at'])
    .expression((eb) =>
      eb
        .selectFrom('knowledge_articles')
        .select([
          'tenant_id',
          'id',
          'version',
          'locale',
          'title',
          'body',
          'category',
          'state',
          sql<string | null>`${userId}::uuid`.as('saved_by'),
          'updated_at',
        ])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', articleId),
    )
    .execute();
}

export async function createArticle(db: Db, tenantId: string, userId: string | null, input: ArticleInput): Promise<ArticleView> {
  const id = await knowledgeDb(db)
    .transaction()
    .execute(async (trx) => {
      const related = await checkRelated(trx, tenantId, undefined, input.related);
      const body = sanitizeBody(input.body);
      const row = await trx
        .insertInto('knowledge_articles')
        .values({
          tenant_id: tenantId,
          locale: input.locale,
          title: input.title,
          body,
          body_text: plainText(body),
          category: input.category,
          state: input.state,
          created_by: userId,
          updated_by: userId,
          published_at: input.state === 'published' ? new Date() : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeRelated(trx, tenantId, row.id, related);
      await keepVersion(trx, tenantId, row.id, userId);
      return row.id;
    });
  return getArticle(db, tenantId, id);
}

/**
 * Saves a change as the article's next version; the one before stays in its history. With
 * `expectedVersion`, a save made over an older version than the stored one is refused (409):
 * two editors do not overwrite each other unseen.
 */
export async function updateArticle(
  db: Db,
  tenantId: string,
  userId: string | null,
  id: string,
  change: Partial<ArticleInput>,
  expectedVersion?: number,
): Promise<ArticleView> {
  await knowledgeDb(db)
    .transaction()
    .execute(async (trx) => {
      const current = await trx
        .selectFrom('knowledge_articles')
        .select(['version', 'state', 'published_at'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw new NotFoundError('article');
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new ConflictError(`the article was saved by someone else meanwhile (version ${current.version})`);
      const body = change.body === undefined ? undefined : sanitizeBody(change.body);
      const publishing = change.state === 'published' && current.state !== 'published';
      await trx
        .updateTable('knowledge_articles')
        .set({
          ...(change.locale !== undefined ? { locale: change.locale } : {}),
          ...(change.title !== undefined ? { title: change.title } : {}),
          ...(body !== undefined ? { body, body_text: plainText(body) } : {}),
          ...(change.category !== undefined ? { category: change.category } : {}),
          ...(change.state !== undefined ? { state: change.state } : {}),
          ...(publishing ? { published_at: new Date() } : {}),
          version: current.version + 1,
          updated_by: userId,
          updated_at: new Date(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
      if (change.related !== undefined) await writeRelated(trx, tenantId, id, await checkRelated(trx, tenantId, id, change.related));
      await keepVersion(trx, tenantId, id, userId);
    });
  return getArticle(db, tenantId, id);
}

export async function getArticle(db: Db, tenantId: string, id: string): Promise<ArticleView> {
  const kb = knowledgeDb(db);
  const row = await kb.selectFrom('knowledge_articles').select(ARTICLE_COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('article');
  const related = await kb
    .selectFrom('knowledge_related as r')
    .innerJoin('knowledge_articles as a', (j) => j.onRef('a.id', '=', 'r.related_id').onRef('a.tenant_id', '=', 'r.tenant_id'))
    .select(['a.id', 'a.title', 'a.state'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.article_id', '=', id)
    .orderBy('r.position')
    .execute();
  return {
    id: row.id,
    locale: row.locale,
    title: row.title,
    body: row.body,
    category: row.category,
    state: row.state,
    version: row.version,
    related,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    publishedAt: iso(row.published_at),
  };
}

export interface ArticleSummary {
  id: string;
  locale: Locale;
  title: string;
  category: string;
  state: ArticleState;
  version: number;
  updatedAt: string;
}

/** A company's articles, newest change first, narrowed by state, language and category. */
export async function listArticles(
  db: Db,
  tenantId: string,
  filter: { state?: ArticleState; locale?: Locale; category?: string; limit?: number },
): Promise<ArticleSummary[]> {
  let query = knowledgeDb(db)
    .selectFrom('knowledge_articles')
    .select(['id', 'locale', 'title', 'category', 'state', 'version', 'updated_at'])
    .where('tenant_id', '=', tenantId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.locale) query = query.where('locale', '=', filter.locale);
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  const rows = await query
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    locale: r.locale,
    title: r.title,
    category: r.category,
    state: r.state,
    version: r.version,
    updatedAt: iso(r.updated_at)!,
  }));
}

/** The categories in use, with how many articles each holds. */
export async function listCategories(db: Db, tenantId: string, state?: ArticleState): Promise<{ name: string; articles: number }[]> {
  let query = knowledgeDb(db)
    .selectFrom('knowledge_articles')
    .select(['category', sql<number>`count(*)::int`.as('articles')])
    .where('tenant_id', '=', tenantId)
    .where('category', '<>', '');
  if (state) query = query.where('state', '=', state);
  const rows = await query.groupBy('category').orderBy('category').execute();
  return rows.map((r) => ({ name: r.category, articles: r.articles }));
}

export async function deleteArticle(db: Db, tenantId: string, id: string): Promise<{ title: string }> {
  const row = await knowledgeDb(db)
    .deleteFrom('knowledge_articles')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning('title')
    .executeTakeFirst();
  if (!row) throw new NotFoundError('article');
  return row;
}

export interface VersionView {
  version: number;
  locale: Locale;
  title: string;
  body: string;
  category: string;
  state: ArticleState;
  savedBy: string | null;
  savedByName: string | null;
  savedAt: string;
}

/** Every saved version of an article, newest first, with who saved it. */
export async function listVersions(db: Db, tenantId: string, id: string): Promise<VersionView[]> {
  await getArticle(db, tenantId, id);
  const rows = await knowledgeDb(db)
    .selectFrom('knowledge_article_versions as v')
    .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'v.saved_by').onRef('u.tenant_id', '=', 'v.tenant_id'))
    .select(['v.version', 'v.locale', 'v.title', 'v.body', 'v.category', 'v.state', 'v.saved_by', 'v.saved_at', 'u.name as user_name'])
    .where('v.tenant_id', '=', tenantId)
    .where('v.article_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    locale: r.locale,
    title: r.title,
    body: r.body,
    category: r.category,
    state: r.state,
    savedBy: r.saved_by,
    savedByName: r.user_name,
    savedAt: iso(r.saved_at)!,
  }));
}

/** Makes an earlier version the current one, as a new save: the history keeps every step. */
export async function restoreVersion(db: Db, tenantId: string, userId: string | null, id: string, version: number): Promise<ArticleView> {
  const old = await knowledgeDb(db)
    .selectFrom('knowledge_article_versions')
    .select(['locale', 'title', 'body', 'category'])
    .where('tenant_id', '=', tenantId)
    .where('article_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!old) throw new NotFoundError('version');
  // The state stays as it is now: restoring the words of a draft does not unpublish the article.
  return updateArticle(db, tenantId, userId, id, { locale: old.locale, title: old.title, body: old.body, category: old.category });
}

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** Keeps an image for article bodies. Its type is read from the bytes; only raster images are taken. */
export async function putImage(
  db: Db,
  tenantId: string,
  userId: string | null,
  name: string,
  bytes: Buffer,
): Promise<{ id: string; name: string; mimeType: string; size: number; src: string }> {
  if (bytes.length === 0) throw new ValidationError('the file is empty', [{ field: 'file', message: 'the file is empty' }]);
  const type = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (!type || !IMAGE_TYPES.includes(type.mime))
    throw new ValidationError('not an image', [{ field: 'file', message: `only ${IMAGE_TYPES.join(', ')} images are taken` }]);
  const row = await knowledgeDb(db)
    .insertInto('knowledge_images')
    .values({
      tenant_id: tenantId,
      name,
      mime_type: type.mime,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
      uploaded_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name, mimeType: type.mime, size: bytes.length, src: `images/${row.id}` };
}

export async function getImage(db: Db, tenantId: string, id: string): Promise<{ name: string; bytes: Uint8Array }> {
  const row = await knowledgeDb(db)
    .selectFrom('knowledge_images')
    .select(['name', 'bytes'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('image');
  return { name: row.name, bytes: new Uint8Array(row.bytes) };
}
