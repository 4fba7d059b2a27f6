import type { AuditEntry } from '../api/types.js';
import { en, type MessageKey } from '../i18n/en.js';
import type { Params } from '../i18n/translate.js';

type T = (key: MessageKey, params?: Params) => string;

/** The kinds of things the log names, in the order the filter offers them. */
export const AUDIT_KINDS = [
  'user',
  'role',
  'group',
  'skill',
  'routing_rule',
  'business_hours',
  'channel',
  'canned_response',
  'macro',
  'api_token',
  'sso',
  'company',
  'contact',
  'custom_field',
  'ticket_field',
  'sla_policy',
  'automation',
  'ivr_flow',
  'call_task',
  'retention',
  'ai_model',
] as const;

const has = (key: string): key is MessageKey => key in en;

/**
 * One entry as a sentence in the reader's language ("Alice changed Bob's role to Supervisor"):
 * people and things by their current name, or the name the entry recorded once they are gone.
 */
export function auditSentence(entry: AuditEntry, names: Record<string, string>, t: T, roleLabel: (name: string) => string): string {
  const details = entry.details;
  const recorded = typeof details.name === 'string' ? details.name : typeof details.title === 'string' ? details.title : undefined;
  const nameOf = (type: string, id: unknown) => (typeof id === 'string' ? names[`${type}:${id}`] : undefined);
  const actor =
    entry.actor.type === 'user'
      ? (nameOf('user', entry.actor.id) ?? t('audit.someone'))
      : entry.actor.type === 'api_token'
        ? t('audit.byToken', { name: nameOf('api_token', entry.actor.id) ?? t('audit.removed') })
        : t('actor.system');
  const target = nameOf(entry.target.type, entry.target.id) ?? recorded ?? t('audit.removed');
  const role = nameOf('role', details.roleId);
  const groups = Array.isArray(details.groupIds)
    ? details.groupIds
        .map((id) => nameOf('group', id))
        .filter(Boolean)
        .join(t('audit.listSeparator'))
    : '';
  const params = { actor, target, role: role ? roleLabel(role) : t('audit.removed'), groups };
  if (entry.action === 'user.updated') {
    if (details.roleId !== undefined) return t('audit.user.role_changed', params);
    if (details.groupIds !== undefined) return t('audit.user.groups_changed', params);
    return t('audit.user.renamed', { ...params, name: typeof details.name === 'string' ? details.name : target });
  }
  const own = `audit.${entry.action}`;
  if (has(own)) return t(own, params);
  const [kind = '', verb = ''] = entry.action.split('.');
  const thingKey = `audit.thing.${kind}`;
  const thing = has(thingKey) ? t(thingKey) : kind.replaceAll('_', ' ');
  const verbKey = `audit.verb.${verb}`;
  if (has(verbKey)) return t(verbKey, { ...params, thing });
  return t('audit.other', { ...params, thing, action: verb.replaceAll('_', ' ') });
}
