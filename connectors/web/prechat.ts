import { sql } from 'kysely';
import { z } from 'zod';
import { isOpen, isValidTimeZone } from '../../core/calendar/business-hours.js';
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
  const custom = customKeys.length
    ? new Map(
        (
          await ctx.db
            .selectFrom('custom_fields')
            .select(['key', 'label', 'type', 'options'])
            .where('tenant_id', '=', ctx.channel.tenantId)
            .where('key', 'in', customKeys)
            .execute()
        ).map((f) => [f.key, f]),
      )
    : new Map();
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
export async function withinBusinessHours(ctx: ChannelContext<WebConfig>, now = new Date()): Promise<boolean> {
  const db = ctx.db;
  const tenantId = ctx.channel.tenantId;
  let groupIds = ctx.config.hours.groups;
  if (groupIds.length === 0) {
    const settings = await db.selectFrom('router_settings').select('default_group_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    groupIds = settings?.default_group_id ? [settings.default_group_id] : [];
  }
  if (groupIds.length === 0) return true;
  const groups = await db
    .selectFrom('groups as g')
    .leftJoin('business_calendars as bc', (j) => j.onRef('bc.id', '=', 'g.calendar_id').onRef('bc.tenant_id', '=', 'g.tenant_id'))
    .select(['g.id', 'bc.id as calendar_id', 'bc.time_zone', 'bc.weekly_hours'])
    .where('g.tenant_id', '=', tenantId)
    .where('g.id', 'in', groupIds)
    .execute();
  if (groups.length === 0) return true;
  for (const group of groups) {
    if (!group.calendar_id || !group.time_zone || !group.weekly_hours || !isValidTimeZone(group.time_zone)) return true;
    const holidays = await db
      .selectFrom('calendar_holidays')
      .select(sql<string>`day::text`.as('day'))
      .where('tenant_id', '=', tenantId)
      .where('calendar_id', '=', group.calendar_id)
      .execute();
    const open = isOpen(
      { id: group.calendar_id, timeZone: group.time_zone, weeklyHours: group.weekly_hours, holidays: new Set(holidays.map((h) => h.day.slice(0, 10))) },
      now,
    );
    if (open) return true;
  }
  return false;
}
