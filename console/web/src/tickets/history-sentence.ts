import type { TicketHistoryLine, TicketStatus } from '../api/tickets.js';
import { en, type MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

type T = (key: MessageKey, params?: Params) => string;

/** The kinds of change the history filter offers, in its order. */
export const HISTORY_KINDS = ['created', 'status', 'priority', 'assignee', 'group', 'tags', 'fields', 'details', 'followers', 'merge'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

const KIND_OF: Record<string, HistoryKind> = {
  created: 'created',
  status: 'status',
  priority: 'priority',
  assignee_id: 'assignee',
  group_id: 'group',
  tags: 'tags',
  fields: 'fields',
  subject: 'details',
  description: 'details',
  type: 'details',
  due_at: 'details',
  followers: 'followers',
  merged_from: 'merge',
  merged_into: 'merge',
};

/** Which kind of change a history line is, for the filter. */
export const historyKind = (line: Pick<TicketHistoryLine, 'field'>): HistoryKind => KIND_OF[line.field] ?? 'details';

/** Who made a change, as a key the person filter can hold: `user:<id>`, `automation:<id>`, `system`. */
export const historyActorKey = (line: Pick<TicketHistoryLine, 'actorType' | 'actorId'>): string =>
  line.actorType === 'system' || !line.actorId ? line.actorType : `${line.actorType}:${line.actorId}`;

export interface HistoryWords {
  t: T;
  /** The current names of people, groups, automations and custom fields the history points at. */
  names: Record<string, string>;
  /** A status as the company names it. */
  statusName: (status: TicketStatus) => string;
  /** A moment in the reader's language. */
  time: (iso: string) => string;
}

const has = (key: string): key is MessageKey => key in en;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Who made a change, by name: an agent, an API token, an automation rule, or the system. */
export function historyActor(line: Pick<TicketHistoryLine, 'actorType' | 'actorId'>, words: Pick<HistoryWords, 't' | 'names'>): string {
  const { t, names } = words;
  const named = (type: string) => (line.actorId ? names[`${type}:${line.actorId}`] : undefined);
  switch (line.actorType) {
    case 'user':
      return named('user') ?? t('audit.someone');
    case 'api_token':
      return t('audit.byToken', { name: named('api_token') ?? t('audit.removed') });
    case 'automation':
      return t('history.automation', { name: named('automation') ?? t('audit.removed') });
    default:
      return t('actor.system');
  }
}

/**
 * One change of a ticket as a sentence in the reader's language — "Li Na changed the priority
 * from Normal to High" — with people, groups and fields by name, never by id or raw value.
 */
export function historySentence(line: TicketHistoryLine, words: HistoryWords): string {
  const { t, names, statusName } = words;
  const actor = historyActor(line, words);
  const none = t('history.none');
  const person = (id: unknown) => (typeof id === 'string' ? (names[`user:${id}`] ?? t('audit.removed')) : none);
  const group = (id: unknown) => (typeof id === 'string' ? (names[`group:${id}`] ?? t('audit.removed')) : none);
  const list = (items: string[]) => items.join(t('audit.listSeparator'));
  const { from, to } = line;
  switch (line.field) {
    case 'created':
      return t('history.created', { actor });
    case 'status': {
      const status = (value: unknown) => (typeof value === 'string' ? statusName(value as TicketStatus) : none);
      return t('history.status', { actor, from: status(from), to: status(to) });
    }
    case 'priority': {
      const priority = (value: unknown) => (typeof value === 'string' && has(`priority.${value}`) ? t(`priority.${value}` as MessageKey) : none);
      return t('history.priority', { actor, from: priority(from), to: priority(to) });
    }
    case 'type': {
      const type = (value: unknown) => (typeof value === 'string' ? (has(`ticketType.${value}`) ? t(`ticketType.${value}` as MessageKey) : value) : none);
      return t('history.type', { actor, from: type(from), to: type(to) });
    }
    case 'assignee_id':
      if (to === null || to === undefined) return t('history.unassigned', { actor, from: person(from) });
      if (from === null || from === undefined) return t('history.assigned', { actor, to: person(to) });
      return t('history.reassigned', { actor, from: person(from), to: person(to) });
    case 'group_id':
      if (to === null || to === undefined) return t('history.groupRemoved', { actor, from: group(from) });
      if (from === null || from === undefined) return t('history.groupSet', { actor, to: group(to) });
      return t('history.groupChanged', { actor, from: group(from), to: group(to) });
    case 'tags':
    case 'followers': {
      const before = strings(from);
      const after = strings(to);
      const shown = line.field === 'followers' ? (id: string) => person(id) : (tag: string) => tag;
      const added = after.filter((x) => !before.includes(x)).map(shown);
      const removed = before.filter((x) => !after.includes(x)).map(shown);
      const kind = line.field === 'tags' ? 'Tags' : 'Followers';
      if (added.length && removed.length) return t(`history.changed${kind}`, { actor, added: list(added), removed: list(removed) });
      if (added.length) return t(`history.added${kind}`, { actor, added: list(added) });
      return t(`history.removed${kind}`, { actor, removed: list(removed) });
    }
    case 'fields':
      return fieldSentences(line, actor, words);
    case 'subject':
      return t('history.subject', { actor, from: typeof from === 'string' ? from : none, to: typeof to === 'string' ? to : none });
    case 'description':
      return t('history.description', { actor });
    case 'due_at':
      return typeof to === 'string' ? t('history.due', { actor, to: words.time(to) }) : t('history.dueCleared', { actor });
    case 'merged_from':
      return t('history.mergedFrom', { actor, number: String(to) });
    case 'merged_into':
      return t('history.mergedInto', { actor, number: String(to) });
    default:
      return t('history.other', { actor, field: line.field.replaceAll('_', ' '), from: shownValue(from, none), to: shownValue(to, none) });
  }
}

/** Custom fields: one clause per field that changed, each by the company's label for it. */
function fieldSentences(line: TicketHistoryLine, actor: string, words: HistoryWords): string {
  const { t, names } = words;
  const none = t('history.none');
  const before = (line.from && typeof line.from === 'object' ? line.from : {}) as Record<string, unknown>;
  const after = (line.to && typeof line.to === 'object' ? line.to : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null),
  );
  if (keys.length === 0) return t('history.fieldsTouched', { actor });
  return keys
    .map((key) => {
      const value = (v: unknown) => (v === true ? t('history.yes') : v === false ? t('history.no') : shownValue(v, none));
      return t('history.field', { actor, field: names[`ticket_field:${key}`] ?? key, from: value(before[key]), to: value(after[key]) });
    })
    .join(t('history.clauseSeparator'));
}

function shownValue(value: unknown, none: string): string {
  if (value === null || value === undefined || value === '') return none;
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : none;
  if (typeof value === 'object') return none;
  return String(value);
}
