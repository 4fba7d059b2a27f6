import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../core/db/database.js';
import { knowledgeDb, type ArticleState, type Locale } from './schema.js';

/**
 * Words that say nothing about which article is meant: function words, the verbs and fillers
 * customers wrap a question in ("how do I …", "I want to …", "… not working, pls").
 */
const LATIN_STOP = new Set(
  (
    'a about after also am an and any anything are as at be been before being but can cant could did didnt do does doesnt done dont for from get got had has have ' +
    'hello help hi how i if in is it just keep know let like long many me much my need no not of on or our please pls plz put so some something still ' +
    'stuff take tell thank thanks that the their them then there they thing things this to want was we were what when where which why ' +
    'will with wont work working works would yet you your'
  ).split(' '),
);
/**
 * Chinese question words and fillers, taken out before the characters are paired: "怎么", "如何",
 * "可以", "请问" … so that "可以" does not become a term and "申请" (with 请) stays one.
 */
const CJK_STOP_WORDS =
  '怎么办 怎么样 怎么回事 怎么 怎样 如何 为什么 什么 哪里 哪儿 可以 可不可以 能不能 能否 是不是 是否 有没有 会不会 请问 你好 您好 谢谢 一下 多少'.split(' ');
const CJK_STOP_WORD = new RegExp(CJK_STOP_WORDS.sort((a, b) => b.length - a.length).join('|'), 'gu');
/** Characters that are function words wherever they stand: a run of Chinese is cut at them. */
const CJK_STOP = new Set([...'我你您他她它们的了吗呢吧啊呀么嘛哦哈是想要能有没和与或就都也还这那哪怎着把被给']);
/** The characters sb_search_spaced (migrations/0012_crm.ts) makes a word each. */
const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
const LETTER = /[\p{L}\p{N}]/u;

/** One thing to look for: its tsquery (to_tsquery syntax), the same restricted to titles, and how much it counts. */
export interface SearchTerm {
  any: string;
  title: string;
  /** 1 for a word or a pair of Chinese characters; less for a lone Chinese character. */
  weight: number;
}

/** What a lone Chinese character counts beside a word: it says less, and is in many articles. */
const LONE_CHARACTER = 0.5;

const lexeme = (word: string, weight = '') => `'${word.replace(/'/g, "''")}'${weight ? `:${weight}` : ''}`;

/**
 * The stem of an English word, to match as a prefix: plural and -ed/-ing endings taken off
 * ("refunds" → refund, "declined" → declin, "shipping" → ship), so that a question finds the
 * article written with another form of the word. Short words stay as they are.
 */
export function latinStem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ies')) stem = `${stem.slice(0, -3)}y`;
  else if (/(?:ss|x|ch|sh)es$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  else if (stem.endsWith('ing') && stem.length >= 7) stem = stem.slice(0, -3);
  else if (stem.endsWith('ed') && stem.length >= 6) stem = stem.slice(0, -2);
  if (stem !== word && stem.length > 4 && /([b-df-hj-np-tv-z])\1$/.test(stem)) stem = stem.slice(0, -1);
  return stem;
}

/** `word` and what it would be without the commonest slips of a typing hand (see searchTerms). */
function misspelt(word: string): string[] {
  const forms = new Set([word]);
  if (word.length < 5 || /\d/.test(word)) return [word];
  for (let i = 0; i + 1 < word.length; i++) forms.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  for (let i = 0; i < word.length; i++) forms.add(word.slice(0, i + 1) + word.slice(i));
  return [...forms];
}

/**
 * What a person typed, as terms the articles' text vector answers. Latin words match by their
 * stem as a prefix ("refun" and "refunds" find "refund"); question words and fillers (how, do,
 * I, 怎么, 如何, 吗 …) are dropped. A run of Chinese characters, cut at function characters,
 * gives its character pairs as phrases (退货 → 退 <-> 货), the way a reader's two-character words
 * lie in the text; a character left alone between function characters ("能退吗" → 退) counts as
 * half a term.
 *
 * `loose`: the terms of a second try when those found nothing — a typo ("发漂", "密玛") or a
 * word the articles put otherwise ("少发" for 少件): every Chinese character a term of its own,
 * and a Latin word of five letters or more also as the word it would be with two neighbouring
 * letters swapped ("retrun" → return) or one letter doubled ("pasword" → password).
 */
export function searchTerms(query: string, { loose = false }: { loose?: boolean } = {}): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const seen = new Set<string>();
  const add = (term: SearchTerm) => {
    if (seen.has(term.any)) return;
    seen.add(term.any);
    terms.push(term);
  };
  const text = query.normalize('NFKC').toLowerCase().slice(0, 500).replace(CJK_STOP_WORD, ' ');
  let latin = '';
  let run = '';
  const flushLatin = () => {
    if (latin && !LATIN_STOP.has(latin) && (latin.length > 1 || /\d/.test(latin))) {
      const stem = latinStem(latin);
      const forms = loose ? misspelt(stem) : [stem];
      add({ any: forms.map((f) => `${lexeme(f)}:*`).join(' | '), title: forms.map((f) => `${lexeme(f)}:*A`).join(' | '), weight: 1 });
    }
    latin = '';
  };
  const flushRun = () => {
    const chars = [...run];
    if (loose) for (const char of chars) add({ any: lexeme(char), title: lexeme(char, 'A'), weight: 1 });
    else if (chars.length === 1) add({ any: lexeme(chars[0]!), title: lexeme(chars[0]!, 'A'), weight: LONE_CHARACTER });
    for (let i = 0; i + 1 < chars.length && !loose; i++) {
      add({ any: `${lexeme(chars[i]!)} <-> ${lexeme(chars[i + 1]!)}`, title: `${lexeme(chars[i]!, 'A')} <-> ${lexeme(chars[i + 1]!, 'A')}`, weight: 1 });
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
  return terms.slice(0, 24);
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
   * How well the article answers the query, 0 to 1: the share of the query's terms it holds
   * (each by its weight, see searchTerms), a term in the title counting in full and one only in
   * the body 0.7. A bot can read 1 as "every word of the question is in this article's title";
   * a hit of the second, loose try scores at most 0.5. On the sample set of `npm run bench --
   * knowledge`, no unanswerable question scored above 0.35 (docs/knowledge.md).
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

/** What a hit found by the loose terms (see searchTerms) scores at most: it is a guess. */
const LOOSE_SCORE = 0.5;

/**
 * The articles of a company that answer `query`, best first, each with its score. Reads the
 * stored text vector through its GIN index: any of the query's terms finds an article; the
 * share of them it holds ranks it. When nothing is found, it tries once more with the loose
 * terms, and scores those hits at most 0.5. Published articles only unless `includeDrafts`.
 */
export async function searchArticles(db: Db, tenantId: string, query: string, options: SearchOptions = {}): Promise<ArticleHit[]> {
  const strict = searchTerms(query);
  const hits = await articlesHolding(db, tenantId, query, strict, { scale: 1, atLeast: 1 }, options);
  const loose = searchTerms(query, { loose: true });
  if (hits.length > 0 || loose.map((t) => t.any).join() === strict.map((t) => t.any).join()) return hits;
  // A guess: it must hold at least half of the query's characters, so that a lone common one
  // ("今天天气" → 天) does not make every article a hit.
  return articlesHolding(db, tenantId, query, loose, { scale: LOOSE_SCORE, atLeast: Math.ceil(loose.length / 2) }, options);
}

async function articlesHolding(
  db: Db,
  tenantId: string,
  query: string,
  terms: SearchTerm[],
  { scale, atLeast }: { scale: number; atLeast: number },
  options: SearchOptions,
): Promise<ArticleHit[]> {
  if (terms.length === 0) return [];
  const limit = Math.min(50, Math.max(1, options.limit ?? 5));
  const any = terms.map((t) => `(${t.any})`).join(' | ');
  const tsquery = (text: string): RawBuilder<unknown> => sql`to_tsquery('simple', ${text})`;
  const points = terms.map(
    (t) =>
      sql<number>`(case when search_vector @@ ${tsquery(t.title)} then ${t.weight}::float8 when search_vector @@ ${tsquery(t.any)} then ${0.7 * t.weight}::float8 else 0 end)`,
  );
  const score = sql<number>`((${sql.join(points, sql` + `)}) * ${scale}::float8 / ${terms.reduce((sum, t) => sum + t.weight, 0)}::float8)`;
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
  if (atLeast > 1) {
    const held = terms.map((t) => sql<number>`(search_vector @@ ${tsquery(t.any)})::int`);
    select = select.where(sql<boolean>`(${sql.join(held, sql` + `)}) >= ${atLeast}`);
  }
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
