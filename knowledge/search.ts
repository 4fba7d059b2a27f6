import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../core/db/database.js';
import { knowledgeDb, type ArticleState, type Locale } from './schema.js';

/** Words that say nothing about which article is meant ("how do I …", "我想…怎么办"). */
const LATIN_STOP = new Set(
  'a an and are as at be can could do does for from get how i if in is it me my no not of on or our please so the this to we what when where which why will with you your'.split(
    ' ',
  ),
);
const CJK_STOP = new Set([...'我你他她它们的了吗呢吧啊呀是在想要怎么办如何什哪里有没会能可以请问这那个和与或就都也还']);
/** The characters sb_search_spaced (migrations/0012_crm.ts) makes a word each. */
const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
const LETTER = /[\p{L}\p{N}]/u;

/** One thing to look for: its tsquery (to_tsquery syntax) and the same restricted to titles. */
export interface SearchTerm {
  any: string;
  title: string;
}

const lexeme = (word: string, weight = '') => `'${word.replace(/'/g, "''")}'${weight ? `:${weight}` : ''}`;

/**
 * What a person typed, as terms the articles' text vector answers. Latin words and numbers match
 * as prefixes ("refun" finds "refund"); a run of Chinese characters, cut at function words
 * (我想…怎么办), gives its character pairs as phrases (退货 → 退 <-> 货), the way a reader's
 * two-character words lie in the text; a lone character counts only when nothing else is left.
 */
export function searchTerms(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const singles: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (list: SearchTerm[], term: SearchTerm) => {
    if (seen.has(term.any)) return;
    seen.add(term.any);
    list.push(term);
  };
  const text = query.normalize('NFKC').toLowerCase().slice(0, 500);
  let latin = '';
  let run = '';
  const flushLatin = () => {
    if (latin && !LATIN_STOP.has(latin) && (latin.length > 1 || /\d/.test(latin))) add(terms, { any: `${lexeme(latin)}:*`, title: `${lexeme(latin)}:*A` });
    latin = '';
  };
  const flushRun = () => {
    const chars = [...run];
    if (chars.length === 1) add(singles, { any: lexeme(chars[0]!), title: lexeme(chars[0]!, 'A') });
    for (let i = 0; i + 1 < chars.length; i++) {
      add(terms, { any: `${lexeme(chars[i]!)} <-> ${lexeme(chars[i + 1]!)}`, title: `${lexeme(chars[i]!, 'A')} <-> ${lexeme(chars[i + 1]!, 'A')}` });
    }
    run = '';
  };
  for (const char of text) {
    if (CJK.test(char) && LETTER.test(char)) {
      flushLatin();
      if (CJK_STOP.has(char)) flushRun();
      else run += char;
    } else if (LETTER.test(char)) {
      flushRun();
      latin += char;
    } else {
      flushLatin();
      flushRun();
    }
  }
  flushLatin();
  flushRun();
  return (terms.length > 0 ? terms : singles).slice(0, 24);
}

export interface ArticleHit {
  id: string;
  locale: Locale;
  title: string;
  category: string;
  state: ArticleState;
  /** A piece of the body around what was found. */
  snippet: string;
  /**
   * How well the article answers the query, 0 to 1: the share of the query's terms it holds,
   * a term in the title counting in full and one only in the body 0.7. A bot can read 1 as
   * "every word of the question is in this article's title".
   */
  score: number;
  updatedAt: string;
}

export interface SearchOptions {
  /** Only articles in this language; both when left out. */
  locale?: Locale;
  /** At most this many hits (1–50, 5 by default). */
  limit?: number;
  /** Drafts too (the console's editors); published articles only by default. */
  includeDrafts?: boolean;
  category?: string;
}

/**
 * The articles of a company that answer `query`, best first, each with its score. Reads the
 * stored text vector through its GIN index: any of the query's terms finds an article; the
 * share of them it holds ranks it. Published articles only unless `includeDrafts`.
 */
export async function searchArticles(db: Db, tenantId: string, query: string, options: SearchOptions = {}): Promise<ArticleHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const limit = Math.min(50, Math.max(1, options.limit ?? 5));
  const any = terms.map((t) => `(${t.any})`).join(' | ');
  const tsquery = (text: string): RawBuilder<unknown> => sql`to_tsquery('simple', ${text})`;
  const points = terms.map(
    (t) => sql<number>`(case when search_vector @@ ${tsquery(t.title)} then 1 when search_vector @@ ${tsquery(t.any)} then 0.7 else 0 end)`,
  );
  const score = sql<number>`((${sql.join(points, sql` + `)}) / ${terms.length}::float8)`;
  let select = knowledgeDb(db)
    .selectFrom('knowledge_articles')
    .select([
      'id',
      'locale',
      'title',
      'category',
      'state',
      'body_text',
      'updated_at',
      score.as('score'),
      sql<number>`ts_rank(search_vector, ${tsquery(any)})`.as('rank'),
    ])
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`search_vector @@ ${tsquery(any)}`);
  if (!options.includeDrafts) select = select.where('state', '=', 'published');
  if (options.locale) select = select.where('locale', '=', options.locale);
  if (options.category !== undefined) select = select.where('category', '=', options.category);
  const rows = await select.orderBy('score', 'desc').orderBy('rank', 'desc').orderBy('updated_at', 'desc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    locale: row.locale,
    title: row.title,
    category: row.category,
    state: row.state,
    snippet: snippetAround(row.body_text, query),
    score: Math.round(Number(row.score) * 1000) / 1000,
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

/** Up to `width` characters of `text` around the first word of `query` found in it. */
export function snippetAround(text: string, query: string, width = 160): string {
  const lower = text.toLowerCase();
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .flatMap((w) => (CJK.test(w) ? [...w].map((_, i, all) => all.slice(i, i + 2).join('')).filter((p) => p.length === 2) : [w]));
  const found = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
  const at = found.length > 0 ? Math.min(...found) : 0;
  const start = Math.max(0, at - Math.floor(width / 3));
  const piece = [...text].slice(start, start + width).join('');
  return `${start > 0 ? '…' : ''}${piece}${start + width < text.length ? '…' : ''}`;
}
