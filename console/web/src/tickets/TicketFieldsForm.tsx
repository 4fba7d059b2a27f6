import { useEffect, useState } from 'react';
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketDetail, type TicketPatch, type TicketStatus } from '../api/tickets.js';
import type { UserView } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { splitList } from '../lib/lists.js';
import { useTeam } from './useTeam.js';

interface FieldDef {
  id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'dropdown' | 'multiselect' | 'checkbox';
  options: string[];
  requiredOn: string[];
}

/** A custom field's value as read from the form, in the type the server expects; null clears it. */
function readField(form: FormData, field: FieldDef): unknown {
  const name = `field.${field.key}`;
  if (field.type === 'checkbox') return form.get(name) === 'on';
  if (field.type === 'multiselect') return form.getAll(name).map(String);
  const text = String(form.get(name) ?? '').trim();
  if (text === '') return null;
  return field.type === 'number' ? Number(text) : text;
}

/** An instant as a `datetime-local` value in the browser's zone ("" for none). */
export function localInputValue(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ticket's fields: status, priority, assignee, group, followers, due date, tags and the company's custom fields. */
export function TicketFieldsForm({
  ticket,
  statusName,
  canEdit,
  onSave,
}: {
  ticket: TicketDetail;
  statusName: (s: TicketStatus) => string;
  canEdit: boolean;
  onSave(patch: TicketPatch & { fields?: Record<string, unknown> }): void;
}) {
  const { t } = useI18n();
  const { client } = useApi();
  const { users, agents, groups } = useTeam();
  const [fields, setFields] = useState<FieldDef[]>([]);
  useEffect(() => {
    let current = true;
    client.get<{ fields: FieldDef[] }>('/ticket-fields').then(
      (f) => current && setFields(f.fields),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [client]);
  const closed = ticket.status === 'closed';
  const key = ticket.updatedAt;
  const dueValue = localInputValue(ticket.dueAt);
  // A follower who is no longer active is still listed, so that saving does not drop them silently.
  const followerChoices = [
    ...agents,
    ...ticket.followers.filter((id) => !agents.some((a) => a.id === id)).map((id) => users.find((u) => u.id === id) ?? ({ id, name: id } as UserView)),
  ];

  return (
    <form
      className="admin-form"
      aria-label={t('ticket.fields')}
      key={key}
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const assignee = String(form.get('assignee') ?? '');
        const group = String(form.get('group') ?? '');
        const due = String(form.get('due') ?? '');
        onSave({
          // Only a changed due date is sent: the field keeps minutes, the ticket may hold seconds.
          ...(due !== dueValue ? { dueAt: due ? new Date(due).toISOString() : null } : {}),
          ...(agents.length ? { followers: form.getAll('followers').map(String) } : {}),
          status: form.get('status') as TicketStatus,
          priority: form.get('priority') as TicketPatch['priority'],
          ...(agents.length ? { assigneeId: assignee || null } : {}),
          ...(groups.length ? { groupId: group || null } : {}),
          tags: splitList(String(form.get('tags') ?? '')),
          ...(fields.length ? { fields: Object.fromEntries(fields.map((f) => [f.key, readField(form, f)])) } : {}),
        });
      }}
    >
      <h2>{t('ticket.fields')}</h2>
      <fieldset disabled={closed || !canEdit}>
        <div className="field">
          <label htmlFor="ticket-status">{t('tickets.col.status')}</label>
          <select id="ticket-status" name="status" defaultValue={ticket.status}>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusName(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ticket-priority">{t('tickets.col.priority')}</label>
          <select id="ticket-priority" name="priority" defaultValue={ticket.priority}>
            {TICKET_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        {agents.length > 0 && (
          <div className="field">
            <label htmlFor="ticket-assignee">{t('tickets.col.assignee')}</label>
            <select id="ticket-assignee" name="assignee" defaultValue={ticket.assigneeId ?? ''}>
              <option value="">{t('ticket.unassigned')}</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {groups.length > 0 && (
          <div className="field">
            <label htmlFor="ticket-group">{t('tickets.col.group')}</label>
            <select id="ticket-group" name="group" defaultValue={ticket.groupId ?? ''}>
              <option value="">{t('ticket.noGroup')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {agents.length > 0 && (
          <fieldset className="followers">
            <legend>{t('ticket.followers')}</legend>
            {followerChoices.map((a) => (
              <label key={a.id}>
                <input type="checkbox" name="followers" value={a.id} defaultChecked={ticket.followers.includes(a.id)} /> {a.name}
              </label>
            ))}
          </fieldset>
        )}
        <div className="field">
          <label htmlFor="ticket-due">{t('ticket.due')}</label>
          <input id="ticket-due" name="due" type="datetime-local" defaultValue={dueValue} />
        </div>
        <div className="field">
          <label htmlFor="ticket-tags">{t('ticket.tags')}</label>
          <input id="ticket-tags" name="tags" defaultValue={ticket.tags.join(', ')} />
        </div>
        {fields.map((f) => {
          const id = `ticket-field-${f.key}`;
          const value = ticket.fields[f.key];
          if (f.type === 'checkbox')
            return (
              <label key={f.key}>
                <input type="checkbox" name={`field.${f.key}`} defaultChecked={value === true} /> {f.label}
              </label>
            );
          if (f.type === 'multiselect')
            return (
              <fieldset key={f.key}>
                <legend>{f.label}</legend>
                {f.options.map((o) => (
                  <label key={o}>
                    <input type="checkbox" name={`field.${f.key}`} value={o} defaultChecked={Array.isArray(value) && value.includes(o)} /> {o}
                  </label>
                ))}
              </fieldset>
            );
          return (
            <div className="field" key={f.key}>
              <label htmlFor={id}>{f.label}</label>
              {f.type === 'dropdown' ? (
                <select id={id} name={`field.${f.key}`} defaultValue={typeof value === 'string' ? value : ''}>
                  <option value="">—</option>
                  {f.options.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  name={`field.${f.key}`}
                  type={f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text'}
                  defaultValue={value === undefined || value === null ? '' : String(value)}
                />
              )}
            </div>
          );
        })}
      </fieldset>
      {canEdit && !closed && <button type="submit">{t('ticket.save')}</button>}
    </form>
  );
}
