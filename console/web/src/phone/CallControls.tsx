import { useCallback, useId, useState } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { CallsApi, CustomField } from './api.js';

/** During a call: hold, blind transfer (to a colleague, a group, or back to the queue) and the call's business record. */
export function CallControls({
  api,
  conversationId,
  call,
  onChanged,
  onTransferred,
}: {
  api: CallsApi;
  conversationId: string;
  call: { id: string; onHold: boolean };
  onChanged?(): void;
  /** Told once a transfer went through: the call (and these controls) leave this agent right after. */
  onTransferred?(text: string): void;
}) {
  return (
    <div className="call-controls">
      <Hold api={api} call={call} onChanged={onChanged} />
      <Transfer conversationId={conversationId} onTransferred={onTransferred} />
      <BusinessRecordForm api={api} conversationId={conversationId} />
    </div>
  );
}

/** Puts the caller on hold and back: the button says what it will do; the line under it what is so now. */
function Hold({ api, call, onChanged }: { api: CallsApi; call: { id: string; onHold: boolean }; onChanged?(): void }) {
  const { t } = useI18n();
  const [onHold, setOnHold] = useState(call.onHold);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const toggle = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const answer = await api.hold(call.id, !onHold);
      setOnHold(answer.onHold);
      onChanged?.();
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="call-hold" aria-label={t('phone.holdGroup')}>
      <button type="button" aria-pressed={onHold} disabled={busy} onClick={() => void toggle()}>
        {t(onHold ? 'phone.resume' : 'phone.hold')}
      </button>
      <p role="status">{onHold ? t('phone.onHold') : ''}</p>
      {error && <p role="alert">{error}</p>}
    </fieldset>
  );
}

function Transfer({ conversationId, onTransferred }: { conversationId: string; onTransferred?(text: string): void }) {
  const { t } = useI18n();
  const { conversations } = useApi();
  const load = useCallback(async () => {
    const [agents, groups] = await Promise.all([conversations.agents().catch(() => ({ users: [] })), conversations.groups().catch(() => ({ groups: [] }))]);
    return { agents: agents.users.filter((u) => u.accountStatus === 'active'), groups: groups.groups };
  }, [conversations]);
  const { data } = useLoad(load);
  const [target, setTarget] = useState('queue');
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const transfer = async () => {
    setStatus(undefined);
    const [kind, id] = target.split(':');
    const name =
      kind === 'agent'
        ? t('phone.transferAgent', { name: data?.agents.find((a) => a.id === id)?.name ?? '' })
        : kind === 'group'
          ? t('phone.transferGroup', { name: data?.groups.find((g) => g.id === id)?.name ?? '' })
          : t('phone.transferQueue');
    try {
      await conversations.transfer(conversationId, kind === 'agent' ? { agentId: id! } : kind === 'group' ? { groupId: id! } : { queue: true });
      const text = t('phone.transferred', { target: name });
      if (onTransferred) onTransferred(text);
      else setStatus({ ok: true, text });
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <form
      aria-label={t('phone.transfer')}
      onSubmit={(event) => {
        event.preventDefault();
        void transfer();
      }}
    >
      <h3>{t('phone.transfer')}</h3>
      <label>
        {t('phone.transferTo')}
        <select value={target} onChange={(event) => setTarget(event.target.value)}>
          <option value="queue">{t('phone.transferQueue')}</option>
          {data?.groups.map((g) => (
            <option key={g.id} value={`group:${g.id}`}>
              {t('phone.transferGroup', { name: g.name })}
            </option>
          ))}
          {data?.agents.map((a) => (
            <option key={a.id} value={`agent:${a.id}`}>
              {t('phone.transferAgent', { name: a.name })}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('phone.transferNow')}</button>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}

function FieldInput({ id, field, value, onChange }: { id: string; field: CustomField; value: unknown; onChange(value: unknown): void }) {
  if (field.type === 'boolean') return <input id={id} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />;
  if (field.type === 'select')
    return (
      <select id={id} value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value || undefined)}>
        <option value="">–</option>
        {field.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  return (
    <input
      id={id}
      type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
      value={value === undefined ? '' : String(value)}
      onChange={(event) => onChange(event.target.value === '' ? undefined : field.type === 'number' ? Number(event.target.value) : event.target.value)}
    />
  );
}

/** A business record (业务记录) on the call: a subject, the company's custom fields, and notes. */
export function BusinessRecordForm({ api, conversationId }: { api: CallsApi; conversationId: string }) {
  const { t } = useI18n();
  const load = useCallback(() => api.customFields().catch(() => ({ fields: [] as CustomField[] })), [api]);
  const { data } = useLoad(load);
  const formId = useId();
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [fields, setFields] = useState<Record<string, unknown>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const save = async () => {
    setStatus(undefined);
    try {
      const values = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      await api.writeBusinessRecord(conversationId, { subject: subject.trim(), fields: values, body });
      setStatus({ ok: true, text: t('phone.recordSaved') });
      setSubject('');
      setBody('');
      setFields({});
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <form
      aria-label={t('phone.businessRecord')}
      onSubmit={(event) => {
        event.preventDefault();
        if (subject.trim()) void save();
      }}
    >
      <h3>{t('phone.businessRecord')}</h3>
      <label>
        {t('phone.subject')}
        <input value={subject} onChange={(event) => setSubject(event.target.value)} maxLength={200} required />
      </label>
      {data?.fields.map((field) => (
        <div key={field.key}>
          <label htmlFor={`${formId}-${field.key}`}>{field.label}</label>
          <FieldInput
            id={`${formId}-${field.key}`}
            field={field}
            value={fields[field.key]}
            onChange={(value) => setFields((f) => ({ ...f, [field.key]: value }))}
          />
        </div>
      ))}
      <label>
        {t('phone.notes')}
        <textarea value={body} onChange={(event) => setBody(event.target.value)} maxLength={10000} rows={3} />
      </label>
      <button type="submit" disabled={!subject.trim()}>
        {t('phone.saveRecord')}
      </button>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}
