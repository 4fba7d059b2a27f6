import type { Context } from '../core/context.js';
import type { Migrations } from '../core/db/migrate.js';
import { mountHelpCenter } from './help-center.js';
import { migration as knowledge } from './migrations/0039_knowledge.js';

export { knowledgeRoutes } from './routes.js';
export { searchArticles, searchTerms, type ArticleHit, type SearchOptions } from './search.js';
export { articleUrl, helpCenterUrl } from './links.js';
export { createArticle, getArticle, type ArticleInput, type ArticleView } from './articles.js';
/** An article body's words without markup (the answer bot quotes it). */
export { plainText } from './render.js';
export type { KnowledgeTables, Locale } from './schema.js';

/** The knowledge base's tables. */
export const knowledgeMigrations: Migrations = { '0039_knowledge': knowledge };

/** The public help center, served by the console role beside the console's pages. */
export async function startKnowledge(ctx: Context): Promise<{ name: string; mount(app: import('hono').Hono): void; stop(): Promise<void> }> {
  return { name: 'knowledge', mount: (app) => mountHelpCenter(app, ctx), stop: async () => {} };
}
