import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import { ValidationError } from '../../core/errors.js';
import type { WebConfig } from './connector.js';

/** Contact fields of their own; any other question is a custom contact field. */
const CONTACT_FIELDS = new Set(['name', 'email', 'phone']);

export interface PreChatQuestion {
  name: string;
  /** The company's label; null: the widget asks in the visitor's language ("Name", "姓名"). */
  label: string | null;
  type: 'text' | 'email' | 'tel' | 'number' | 'date' | 'select';
  required: boolean;
  options?: string[];
}

/**
 * The pre-chat form's questions, as the widget draws them: the contact's own fields, and custom
 * contact fields with the label and type the CRM defines for them (a question whose custom
 * field was deleted is left out; a yes/no field is asked as a choice).
 */
export async function preChatQuestions(ctx: ChannelContext<WebConfig>): Promise<PreChatQuestion[]> {
  const fields = ctx.config.preChatFields;
  const customKeys = fields.filter((f) => !CONTACT_FIELDS.has(f.name)).map((f) => f.name);
  const custom = await ctx.platform.company.customFields(customKeys);
  const questions: PreChatQuestion[] = [];
  for (const field of fields) {
    if (CONTACT_FIELDS.has(field.name)) {
      const type = field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : 'text';
      questions.push({ name: field.name, label: field.label ?? null, type, required: field.required });
      continue;
    }
    const def = custom.get(field.name);
    if (!def) continue;
    const type = def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : def.type === 'select' || def.type === 'boolean' ? 'select' : 'text';
    const options = def.type === 'select' ? def.options : def.type === 'boolean' ? ['yes', 'no'] : undefined;
    questions.push({ name: field.name, label: field.label ?? def.label, type, required: field.required, ...(options ? { options } : {}) });
  }
  return questions;
}

const answerSchemas = {
  text: z.string().trim().min(1).max(500),
  email: z.email().max(200),
  tel: z.string().regex(/^\+?[0-9 ()./-]{3,40}$/, 'a phone number'),
  number: z.coerce.number().finite(),
  date: z.iso.date(),
} as const;

/**
 * The pre-chat answers checked against the questions: a wrong e-mail, phone, number or choice is
 * a 400 naming `profile.<question>`; a question the form does not ask is refused. Answers come
 * back typed as the contact stores them (numbers as numbers, yes/no as true/false).
 */
export function checkAnswers(questions: readonly PreChatQuestion[], profile: Record<string, string>): Record<string, unknown> {
  const byName = new Map(questions.map((q) => [q.name, q]));
  const issues: { field: string; message: string }[] = [];
  const answers: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(profile)) {
    const question =
      byName.get(key) ??
      (key === 'name' || key === 'email' ? ({ name: key, label: null, type: key === 'email' ? 'email' : 'text', required: false } as const) : undefined);
    if (!question) {
      issues.push({ field: `profile.${key}`, message: 'the form does not ask this' });
      continue;
    }
    const value = raw.trim();
    if (value === '') continue;
    if (question.type === 'select') {
      if (!question.options?.includes(value)) issues.push({ field: `profile.${key}`, message: `one of ${question.options?.join(', ')}` });
      else answers[key] = question.options.length === 2 && question.options[0] === 'yes' && question.options[1] === 'no' ? value === 'yes' : value;
      continue;
    }
    const parsed = answerSchemas[question.type].safeParse(value);
    if (!parsed.success) issues.push({ field: `profile.${key}`, message: parsed.error.issues[0]?.message ?? 'invalid' });
    else answers[key] = parsed.data;
  }
  if (issues.length) throw new ValidationError('invalid pre-chat answers', issues);
  return answers;
}

/**
 * Whether the chat's groups are inside their business hours now: the groups the channel names,
 * else the company's default group. Open when no such group has hours (a group without a calendar
 * is always open); closed only when every group is closed.
 */
export function withinBusinessHours(ctx: ChannelContext<WebConfig>, now = new Date()): Promise<boolean> {
  return ctx.platform.company.withinBusinessHours(ctx.config.hours.groups, now);
}
