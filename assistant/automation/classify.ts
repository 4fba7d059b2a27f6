import { z } from 'zod';
import type { Consumer } from '../../core/bus/bus.js';
import type { Context } from '../../core/context.js';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import { addSystemNote, applyAutomationClassification, ticketForModel, TICKET_PRIORITIES, type AiAsk } from '../../tickets/part.js';
import { modelGateway, ModelUnavailableError } from '../model/gateway.js';

export const CLASSIFY_QUEUE = 'assistant.automation';

/** The first words of the internal note left when the model could not classify a ticket, in both languages. */
export const CLASSIFY_FAILED = 'AI classification did not run · AI 分类未执行';

const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/** A short label a tag can carry: lower case, words joined by hyphens. */
const label = (value: unknown, max = 30): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const cleaned = value
    .trim()
    .toLowerCase()
    .replace(/[\s_:,;/]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max);
  return cleaned || undefined;
};

/** The model's answer, read leniently: a part that does not fit is left out, never guessed. */
const answerSchema = z.object({
  intent: z.unknown().optional(),
  tags: z.unknown().optional(),
  priority: z.unknown().optional(),
  language: z.unknown().optional(),
  sentiment: z.unknown().optional(),
});

/**
 * What the model's answer changes, for the parts the rule asked for: the priority (one of the
 * tickets' own), up to three short tags, and intent, language and sentiment as the tags
 * `intent:…`, `lang:…` and `sentiment:…` (tickets have no other place for them, and tags can be
 * searched, shown and matched by other rules).
 */
export function classificationChange(text: string, ask: readonly AiAsk[]): { priority?: (typeof TICKET_PRIORITIES)[number]; addTags: string[] } {
  let parsed: z.infer<typeof answerSchema>;
  try {
    parsed = answerSchema.parse(JSON.parse(text.replace(/^```(?:json)?\s*|\s*```$/g, '')));
  } catch {
    throw new ModelUnavailableError('failed', 'the model did not answer with a JSON object');
  }
  const change: { priority?: (typeof TICKET_PRIORITIES)[number]; addTags: string[] } = { addTags: [] };
  if (ask.includes('priority') && TICKET_PRIORITIES.includes(parsed.priority as never)) change.priority = parsed.priority as (typeof TICKET_PRIORITIES)[number];
  if (ask.includes('tag') && Array.isArray(parsed.tags))
    change.addTags.push(
      ...parsed.tags
        .map((t) => label(t))
        .filter((t): t is string => t !== undefined)
        .slice(0, 3),
    );
  const intent = label(parsed.intent);
  if (ask.includes('intent') && intent) change.addTags.push(`intent:${intent}`);
  const language = label(parsed.language, 10);
  if (ask.includes('language') && language && /^[a-z]{2,3}(-[a-z]{2,4})?$/.test(language)) change.addTags.push(`lang:${language}`);
  if (ask.includes('sentiment') && SENTIMENTS.includes(parsed.sentiment as never)) change.addTags.push(`sentiment:${parsed.sentiment}`);
  return change;
}

function prompt(ask: readonly AiAsk[]): string {
  const parts: string[] = [];
  if (ask.includes('intent')) parts.push('"intent": what the customer wants, one or two English words in snake_case (e.g. "refund", "delivery_status")');
  if (ask.includes('tag')) parts.push('"tags": up to 3 short English keywords for the topic, lower case');
  if (ask.includes('priority')) parts.push(`"priority": one of ${TICKET_PRIORITIES.map((p) => `"${p}"`).join(', ')}`);
  if (ask.includes('language')) parts.push('"language": the customer\'s language as an ISO 639-1 code (e.g. "zh", "en")');
  if (ask.includes('sentiment')) parts.push(`"sentiment": one of ${SENTIMENTS.map((s) => `"${s}"`).join(', ')}`);
  return ['You classify customer-service tickets. Answer with one JSON object and nothing else, with these keys:', ...parts.map((p) => `- ${p}`)].join('\n');
}

/**
 * Carries out the `ai_classify` actions of ticket automations: a listener on `ticket.ai_requested`
 * events, so the rule's transaction never waits on the model. Reads the ticket, asks the company's
 * model for a JSON classification and applies the asked-for parts as the rule's change. Without a
 * model, or when it fails, nothing changes: a warning in the log, and for a failed call an internal
 * note on the ticket saying why. A redelivered event applies the same answer, which changes nothing.
 */
export class AutomationClassifier {
  private consumer: Consumer | undefined;

  constructor(private readonly ctx: Pick<Context, 'database' | 'bus' | 'config' | 'logger' | 'outbound'>) {}

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({
      name: CLASSIFY_QUEUE,
      bindings: [{ exchange: 'events', pattern: '*.ticket.ai_requested' }],
      retry: { attempts: 5, baseDelayMs: 1000 },
    });
    this.consumer = await this.ctx.bus.consume(
      CLASSIFY_QUEUE,
      async (delivery) => {
        await this.handle(delivery.json<EventEnvelope>());
      },
      { prefetch: 5 },
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }

  /** Classifies for one event; answers whether the ticket changed. */
  async handle(envelope: EventEnvelope): Promise<boolean> {
    const tenantId = envelope.tenantId;
    const { ticketId, ruleId, ask } = envelope.payload as { ticketId?: string; ruleId?: string; ask?: AiAsk[] };
    if (!tenantId || !ticketId || !ruleId || !ask?.length) return false;
    const db = this.ctx.database.db;
    const gateway = modelGateway(this.ctx);
    if (!(await gateway.configured(tenantId))) {
      this.ctx.logger.warn({ tenantId, ticketId, ruleId }, 'ai_classify skipped: no language model is set up');
      return false;
    }
    const ticket = await ticketForModel(db, tenantId, ticketId);
    if (!ticket || ticket.closed) return false;
    const conversation = [
      `Subject: ${ticket.subject}`,
      ticket.description ? `Description:\n${ticket.description}` : '',
      ...ticket.comments.filter((c) => c.public).map((c) => `${c.author === 'contact' ? 'Customer' : 'Agent'}: ${c.body}`),
    ]
      .filter(Boolean)
      .join('\n\n')
      .slice(0, 8000);
    let change: ReturnType<typeof classificationChange>;
    try {
      const answer = await gateway.complete({
        tenantId,
        feature: 'automation',
        json: true,
        temperature: 0,
        maxTokens: 200,
        messages: [
          { role: 'system', content: prompt(ask) },
          { role: 'user', content: conversation },
        ],
      });
      change = classificationChange(answer.text, ask);
    } catch (error) {
      if (!(error instanceof ModelUnavailableError)) throw error;
      this.ctx.logger.warn({ tenantId, ticketId, ruleId, reason: error.reason }, 'ai_classify did not run');
      await addSystemNote(db, tenantId, ticketId, `${CLASSIFY_FAILED}: ${error.message}`);
      return false;
    }
    if (!change.priority && !change.addTags.length) return false;
    return applyAutomationClassification(db, tenantId, ticketId, ruleId, change);
  }
}
