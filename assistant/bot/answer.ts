import { z } from 'zod';
import type { Config } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { articleUrl, getArticle, plainText, searchArticles, type ArticleHit, type Locale } from '../../knowledge/part.js';
import type { ChatMessage, ModelGateway } from '../model/gateway.js';
import type { Citation } from './schema.js';
import type { HandoffReason } from './summary.js';

/** What the bot found for a question: an answer with the articles it rests on, or why it has none. */
export type BotAnswer =
  | { kind: 'answer'; text: string; citations: Citation[]; score: number }
  | { kind: 'handover'; reason: HandoffReason; citations: Citation[]; score: number | null };

/** Articles read per question; the model sees each one's text up to ARTICLE_CHARS. */
const TOP = 3;
const ARTICLE_CHARS = 3000;
const CJK = /[\u2e80-\u9fff\uf900-\ufaff]/u;

/** The language to search in: the message's or the contact's when known, else the question's script. */
export function localeOf(text: string, ...hints: unknown[]): Locale {
  for (const hint of hints) {
    if (typeof hint !== 'string') continue;
    const tag = hint.toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return CJK.test(text) ? 'zh' : 'en';
}

/**
 * The first sentences of an article (up to three, or the first 100 characters' worth, never
 * over `max`): the short answer the bot gives
 * with no model, followed by the article's link for the rest.
 */
export function firstSentences(text: string, max = 240): string {
  const sentences = text.match(/[^。！？.!?]+[。！？.!?]*\s*/gu) ?? [text];
  let out = '';
  let count = 0;
  for (const sentence of sentences) {
    if (out && out.length + sentence.length > max) break;
    out += sentence;
    if (++count >= 3 || out.length >= 100) break;
  }
  out = out.trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

const modelAnswerSchema = z.object({
  answer: z.string(),
  articleIds: z.array(z.string()).default([]),
  known: z.boolean(),
});

interface AnswerDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'publicUrlSet'>;
  gateway: ModelGateway;
}

/**
 * Answers one customer question from the company's published articles, outside any transaction.
 * With a model: the model answers from the best articles only, cites them, and says when they do
 * not hold the answer. Without one: the best article's first sentences and its link, when the
 * article matches at least `minScore`. Anything else is a handover with its reason.
 */
export async function findAnswer(
  deps: AnswerDeps,
  input: { tenant: { id: string; slug: string }; question: string; locale: Locale; minScore: number; history: readonly string[] },
): Promise<BotAnswer> {
  const { db } = deps;
  let hits = await searchArticles(db, input.tenant.id, input.question, { locale: input.locale, limit: TOP });
  if (hits.length === 0) hits = await searchArticles(db, input.tenant.id, input.question, { limit: TOP });
  if (hits.length === 0) return { kind: 'handover', reason: 'no answer', citations: [], score: null };
  const cite = async (hit: Pick<ArticleHit, 'id' | 'title'>): Promise<Citation> => ({
    id: hit.id,
    title: hit.title,
    url: await articleUrl(db, deps.config, input.tenant, hit.id),
  });
  const best = hits[0]!;

  if (await deps.gateway.configured(input.tenant.id)) {
    const articles = await Promise.all(
      hits.map(async (hit) => ({ hit, text: plainText((await getArticle(db, input.tenant.id, hit.id)).body).slice(0, ARTICLE_CHARS) })),
    );
    let parsed: z.infer<typeof modelAnswerSchema>;
    try {
      const completion = await deps.gateway.complete({
        tenantId: input.tenant.id,
        feature: 'bot',
        messages: groundedPrompt(input.question, input.history, articles),
        json: true,
        temperature: 0,
        maxTokens: 600,
      });
      parsed = modelAnswerSchema.parse(JSON.parse(completion.text));
    } catch {
      return { kind: 'handover', reason: 'model error', citations: [], score: best.score };
    }
    const cited = hits.filter((h) => parsed.articleIds.includes(h.id));
    if (!parsed.known || !parsed.answer.trim()) return { kind: 'handover', reason: 'no answer', citations: [], score: best.score };
    return { kind: 'answer', text: parsed.answer.trim(), citations: await Promise.all((cited.length > 0 ? cited : [best]).map(cite)), score: best.score };
  }

  if (best.score < input.minScore) return { kind: 'handover', reason: 'low confidence', citations: [], score: best.score };
  const article = await getArticle(db, input.tenant.id, best.id);
  const text = firstSentences(plainText(article.body)) || article.title;
  return { kind: 'answer', text, citations: [await cite(best)], score: best.score };
}

/** The model's instructions: answer only from these articles, cite them by id, say when they do not tell. */
function groundedPrompt(question: string, history: readonly string[], articles: { hit: ArticleHit; text: string }[]): ChatMessage[] {
  const system = [
    "You are a company's customer-service assistant. Answer the customer's question using ONLY the articles below.",
    'Never use other knowledge, never guess, never promise anything the articles do not say.',
    "Answer in the customer's language, briefly (at most 4 sentences).",
    'Reply with a JSON object: {"answer": string, "articleIds": [ids of the articles you used], "known": boolean}.',
    'If the articles do not answer the question, reply {"answer": "", "articleIds": [], "known": false}.',
    '',
    ...articles.map(({ hit, text }) => `<article id="${hit.id}" title="${hit.title.replace(/"/g, "'")}">\n${text}\n</article>`),
  ].join('\n');
  const earlier = history.length > 0 ? `Earlier questions of the customer:\n${history.map((q) => `- ${q}`).join('\n')}\n\n` : '';
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${earlier}Question: ${question}` },
  ];
}

/** The reply's parts: the answer with its links in text (every channel), and the citations as data where the channel shows them. */
export function answerParts(channelType: string, text: string, citations: readonly Citation[]) {
  const links = citations.map((c) => `${c.title}: ${c.url}`).join('\n');
  const parts: ({ type: 'text'; text: string } | { type: 'event'; name: string; data: Record<string, unknown> })[] = [
    { type: 'text', text: links ? `${text}\n\n${links}` : text },
  ];
  if (CITATION_CHANNELS.has(channelType)) parts.push({ type: 'event', name: 'bot.citations', data: { articles: citations.map((c) => ({ ...c })) } });
  return parts;
}

/** Channels whose customers' apps read event parts (the web chat shows the citations as links; the app API passes them on). */
const CITATION_CHANNELS = new Set(['web', 'app-api']);
