import type { Citation } from './schema.js';

/** Why the bot gave a conversation to people, as stored in bot_sessions.handoff_reason. */
export type HandoffReason =
  | 'customer asked'
  | 'max turns'
  | 'no answer'
  | 'low confidence'
  | 'model error'
  | 'no answer in time'
  | 'agent took over'
  | 'bot turned off';

const REASON_TEXT: Record<HandoffReason, string> = {
  'customer asked': 'the customer asked for a person / 客户要求转人工',
  'max turns': 'the bot answered as many times as it may without the question being solved / 机器人已达最大回答次数',
  'no answer': 'the knowledge base has no answer / 知识库中没有答案',
  'low confidence': 'the best article did not match well enough / 最佳文章匹配度不足',
  'model error': 'the language model could not be reached / 无法连接语言模型',
  'no answer in time': 'the bot could not answer in time / 机器人未能及时回答',
  'agent took over': 'an agent took the conversation / 客服已接手',
  'bot turned off': 'the answer bot was switched off for this channel / 该渠道的机器人已关闭',
};

/**
 * The bot's note for the agent who gets the conversation: why it was handed over, what the
 * customer asked and which articles the bot offered. Plain text in both languages, so it reads the
 * same whatever the agent's console language and whether or not a model is set up.
 */
export function handoverSummary(reason: HandoffReason, turns: readonly { question: string; articles: readonly Citation[] }[]): string {
  const lines = ['Answer bot handover / 机器人转人工', `Reason / 原因: ${REASON_TEXT[reason]}`];
  const questions = turns.map((t) => t.question.trim()).filter(Boolean);
  if (questions.length > 0) {
    lines.push('', 'The customer asked / 客户的问题:');
    for (const [i, q] of questions.entries()) lines.push(`${i + 1}. ${q.length > 300 ? `${q.slice(0, 300)}…` : q}`);
  }
  const offered = new Map<string, Citation>();
  for (const turn of turns) for (const article of turn.articles) offered.set(article.id, article);
  lines.push('', 'Articles offered / 已推荐的文章:');
  if (offered.size === 0) lines.push('(none / 无)');
  for (const article of offered.values()) lines.push(`- ${article.title} ${article.url}`);
  return lines.join('\n');
}
