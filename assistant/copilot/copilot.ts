import type { Context } from '../../core/context.js';
import { ConflictError } from '../../core/errors.js';
import { articleUrl, getArticle, searchArticles } from '../../knowledge/part.js';
import { modelGateway, type ModelFeature } from '../model/gateway.js';
import { rewritePrompt, suggestPrompt, summaryPrompt, translatePrompt, type GroundingArticle, type Language, type RewriteStyle } from './prompts.js';
import { htmlText, loadTranscript, transcriptText } from './transcript.js';

type CopilotContext = Pick<Context, 'database' | 'config' | 'outbound' | 'logger'>;

export interface SuggestedReply {
  text: string;
  /** The articles the suggestion was given, and whether it links each. */
  articles: { id: string; title: string; url: string; cited: boolean }[];
}

/** Articles the customer's words find, at least this good a match (share of the words an article holds). */
const MIN_SCORE = 0.3;
const ARTICLE_CHARS = 2000;

/**
 * A reply for the agent to edit: the conversation's latest messages (internal notes left out) and
 * the published articles the customer's last messages find, best three, with their links.
 */
export async function suggestReply(ctx: CopilotContext, tenant: { id: string; slug: string; name: string }, conversationId: string): Promise<SuggestedReply> {
  const db = ctx.database.db;
  const lines = await loadTranscript(db, tenant.id, conversationId, { limit: 20 });
  if (lines.length === 0) throw new ConflictError('the conversation has no message to answer yet', 'empty');
  const asked = lines
    .filter((line) => line.from === 'customer')
    .slice(-3)
    .map((line) => line.text)
    .join(' ')
    .slice(-500);
  const hits = asked ? (await searchArticles(db, tenant.id, asked, { limit: 3 })).filter((hit) => hit.score >= MIN_SCORE) : [];
  const articles = await Promise.all(
    hits.map(async (hit): Promise<GroundingArticle & { id: string }> => {
      const article = await getArticle(db, tenant.id, hit.id);
      return { id: hit.id, title: article.title, url: await articleUrl(db, ctx.config, tenant, hit.id), text: htmlText(article.body).slice(0, ARTICLE_CHARS) };
    }),
  );
  const answer = await modelGateway(ctx).complete({
    tenantId: tenant.id,
    feature: 'copilot.suggest',
    messages: suggestPrompt(tenant.name, transcriptText(lines), articles),
    maxTokens: 800,
    temperature: 0.3,
  });
  const text = answer.text.trim();
  return { text, articles: articles.map((a) => ({ id: a.id, title: a.title, url: a.url, cited: text.includes(a.url) })) };
}

/**
 * A summary of the conversation for whoever takes it over, internal notes included; undefined
 * when there is nothing to summarize.
 */
export async function summarizeConversation(
  ctx: CopilotContext,
  tenantId: string,
  conversationId: string,
  feature: ModelFeature = 'copilot.summarize',
): Promise<string | undefined> {
  const lines = await loadTranscript(ctx.database.db, tenantId, conversationId, { limit: 60, notes: true, maxChars: 1000 });
  if (lines.length === 0) return undefined;
  const answer = await modelGateway(ctx).complete({ tenantId, feature, messages: summaryPrompt(transcriptText(lines)), maxTokens: 400, temperature: 0.2 });
  return answer.text.trim() || undefined;
}

/** The agent's draft, rewritten shorter, friendlier or only corrected. */
export async function rewriteText(ctx: CopilotContext, tenantId: string, text: string, style: RewriteStyle): Promise<string> {
  const answer = await modelGateway(ctx).complete({ tenantId, feature: 'copilot.rewrite', messages: rewritePrompt(text, style), temperature: 0.3 });
  return answer.text.trim();
}

/** A text in Chinese or English. */
export async function translateText(ctx: CopilotContext, tenantId: string, text: string, to: Language): Promise<string> {
  const answer = await modelGateway(ctx).complete({ tenantId, feature: 'copilot.translate', messages: translatePrompt(text, to), temperature: 0 });
  return answer.text.trim();
}
