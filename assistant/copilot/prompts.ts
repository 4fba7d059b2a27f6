import type { ChatMessage } from '../model/gateway.js';

/** An article of the company's knowledge base, as a suggestion may rest on it. */
export interface GroundingArticle {
  title: string;
  url: string;
  text: string;
}

export type RewriteStyle = 'shorter' | 'friendlier' | 'grammar';
export type Language = 'zh' | 'en';

/**
 * The agent's next reply, from the conversation and the knowledge base. Facts come from the
 * articles only; an article used is linked; without one, the draft says the agent will find out
 * rather than invent an answer.
 */
export function suggestPrompt(company: string, transcript: string, articles: readonly GroundingArticle[]): ChatMessage[] {
  const sources = articles.length
    ? articles.map((a, i) => `[${i + 1}] ${a.title}\nLink: ${a.url}\n${a.text}`).join('\n\n')
    : '(no article matches this conversation)';
  return [
    {
      role: 'system',
      content: [
        `You help a customer-service agent of ${company}. Draft the agent's next reply to the customer.`,
        'Write only the reply, ready to send: no greeting line about being an AI, no notes to the agent.',
        "Write in the language of the customer's last message. Be brief, friendly and concrete.",
        'Take facts (policies, prices, deadlines, steps) only from the knowledge-base articles below; when you use an article, put its link in the reply.',
        'If the articles do not answer the question, do not make an answer up: ask what is missing, or say the agent will check and come back.',
        '',
        'Knowledge-base articles:',
        sources,
      ].join('\n'),
    },
    { role: 'user', content: `The conversation so far, oldest first:\n${transcript}\n\nWrite the agent's next reply.` },
  ];
}

/** A summary for a colleague taking the conversation over: the issue, what was done or promised, what is open. */
export function summaryPrompt(transcript: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: [
        'Summarize this customer-service conversation for a colleague who takes it over.',
        'Say the customer\'s issue, what has been done or promised, and what is still open, in 2 to 5 short lines starting with "- ".',
        'Write in the language the customer writes in. Plain text, no headings, nothing that is not in the conversation.',
      ].join('\n'),
    },
    { role: 'user', content: transcript },
  ];
}

const REWRITES: Record<RewriteStyle, string> = {
  shorter: 'Rewrite the text shorter and clearer, keeping its meaning, every fact and link, and its language.',
  friendlier: 'Rewrite the text in a warmer, friendlier and polite tone for a customer, keeping its meaning, every fact and link, and its language.',
  grammar: 'Correct the spelling, grammar and punctuation of the text and change nothing else. Keep its language.',
};

/** The agent's draft rewritten: shorter, friendlier, or only corrected. */
export function rewritePrompt(text: string, style: RewriteStyle): ChatMessage[] {
  return [
    { role: 'system', content: `${REWRITES[style]}\nAnswer with the rewritten text only.` },
    { role: 'user', content: text },
  ];
}

const LANGUAGE_NAMES: Record<Language, string> = { zh: 'Simplified Chinese', en: 'English' };

/** A text (a customer's message, the agent's draft) in another language. */
export function translatePrompt(text: string, to: Language): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `Translate the text into ${LANGUAGE_NAMES[to]}. Keep links, numbers, names and line breaks as they are. Answer with the translation only.`,
    },
    { role: 'user', content: text },
  ];
}
