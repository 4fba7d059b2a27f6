import { useCallback, useState } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import type { CallTaskSummary, CallTaskTarget } from './api.js';
import { DialPad } from './DialPad.js';
import { when } from './format.js';
import { usePhoneApi } from './usePhoneApi.js';
import { usePhone } from './usePhone.js';

/** Outbound call tasks (外呼任务): created with a window and agents, customers imported from CSV, worked one customer at a time. */
export function CallTasksPage() {
  const { t } = useI18n();
  const api = usePhoneApi();
  const session = useSignedIn();
  const admin = hasPermission(session, 'admin.voice');
  const load = useCallback(() => api.tasks(), [api]);
  const { data, error, reload } = useLoad(load);
  const [open, setOpen] = useState<string>();
  return (
    <section aria-label={t('phone.nav.tasks')}>
      <h1>{t('phone.nav.tasks')}</h1>
      {admin && <CreateTask onCreated={reload} />}
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {!data ? (
        <p>{t('app.loading')}</p>
      ) : data.tasks.length === 0 ? (
        <p className="muted">{t('phone.none')}</p>
      ) : (
        <ul className="tasks">
          {data.tasks.map((task) => (
            <li key={task.id}>
              <button type="button" className="link" aria-expanded={open === task.id} onClick={() => setOpen(open === task.id ? undefined : task.id)}>
                {task.name}
              </button>{' '}
              <span className="muted">
                {when(task.startsAt)} – {when(task.endsAt)}
              </span>
              {open === task.id && <TaskView task={task} admin={admin} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateTask({ onCreated }: { onCreated(): void }) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const { conversations } = useApi();
  const load = useCallback(() => conversations.agents().catch(() => ({ users: [] })), [conversations]);
  const { data } = useLoad(load);
  const [name, setName] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [agentIds, setAgentIds] = useState<string[]>([]);
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const create = async () => {
    setStatus(undefined);
    try {
      await api.createTask({ name: name.trim(), startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString(), agentIds });
      setStatus({ ok: true, text: t('phone.taskCreated') });
      setName('');
      onCreated();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <form
      aria-label={t('phone.newTask')}
      onSubmit={(event) => {
        event.preventDefault();
        void create();
      }}
    >
      <h2>{t('phone.newTask')}</h2>
      <label>
        {t('phone.taskName')}
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={200} required />
      </label>
      <label>
        {t('phone.startsAt')}
        <input type="datetime-local" value={startsAt} onChange={(event) => setStartsAt(event.target.value)} required />
      </label>
      <label>
        {t('phone.endsAt')}
        <input type="datetime-local" value={endsAt} onChange={(event) => setEndsAt(event.target.value)} required />
      </label>
      <fieldset>
        <legend>{t('phone.taskAgents')}</legend>
        {data?.users.map((u) => (
          <label key={u.id}>
            <input
              type="checkbox"
              checked={agentIds.includes(u.id)}
              onChange={(event) => setAgentIds((ids) => (event.target.checked ? [...ids, u.id] : ids.filter((id) => id !== u.id)))}
            />
            {u.name}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={!name.trim() || !startsAt || !endsAt}>
        {t('phone.createTask')}
      </button>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}

function TaskView({ task, admin }: { task: CallTaskSummary; admin: boolean }) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const load = useCallback(() => api.task(task.id), [api, task.id]);
  const { data, error, reload } = useLoad(load);
  return (
    <div className="task">
      {error ? <p role="alert">{describeError(error, t)}</p> : null}
      {data && (
        <p>
          {t('phone.progress')}:{' '}
          {t('phone.progressLine', {
            done: data.progress.done,
            total: data.progress.total,
            pending: data.progress.pending,
            inProgress: data.progress.inProgress,
          })}
          {Object.entries(data.results).map(([result, n]) => ` · ${result}: ${n}`)}
        </p>
      )}
      {admin && <ImportCsv taskId={task.id} onImported={reload} />}
      <WorkTask taskId={task.id} onDone={reload} />
    </div>
  );
}

function ImportCsv({ taskId, onImported }: { taskId: string; onImported(): void }) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const [csv, setCsv] = useState('');
  const [report, setReport] = useState<{ imported: number; duplicates: number; errors: { line: number; message: string }[] }>();
  const [error, setError] = useState<string>();
  const submit = async () => {
    setError(undefined);
    try {
      setReport(await api.importTask(taskId, csv));
      onImported();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  return (
    <form
      aria-label={t('phone.importCsv')}
      onSubmit={(event) => {
        event.preventDefault();
        if (csv.trim()) void submit();
      }}
    >
      <h3>{t('phone.importCsv')}</h3>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t('phone.csvFile')}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void file.text().then(setCsv);
        }}
      />
      <textarea aria-label={t('phone.csvText')} value={csv} onChange={(event) => setCsv(event.target.value)} rows={4} placeholder="name,phone" />
      <button type="submit" disabled={!csv.trim()}>
        {t('phone.import')}
      </button>
      {error && <p role="alert">{error}</p>}
      {report && (
        <div role="status">
          <p>{t('phone.imported', { imported: report.imported, duplicates: report.duplicates, errors: report.errors.length })}</p>
          {report.errors.length > 0 && (
            <ul aria-label={t('phone.rowErrors')}>
              {report.errors.map((e) => (
                <li key={e.line}>{t('phone.rowError', { line: e.line, message: e.message })}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

/** Preview dialing: the agent takes the next customer, calls them from the dial pad, and records the result. */
function WorkTask({ taskId, onDone }: { taskId: string; onDone(): void }) {
  const { t } = useI18n();
  const api = usePhoneApi();
  const phone = usePhone();
  const [target, setTarget] = useState<CallTaskTarget | null>();
  const [result, setResult] = useState('');
  const [error, setError] = useState<string>();
  const next = async () => {
    setError(undefined);
    try {
      setTarget((await api.nextTarget(taskId)).target);
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  const save = async () => {
    if (!target) return;
    setError(undefined);
    try {
      await api.targetResult(taskId, target.id, result.trim());
      setTarget(undefined);
      setResult('');
      onDone();
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  return (
    <div className="work-task">
      {target === undefined && (
        <button type="button" onClick={() => void next()}>
          {t('phone.nextCustomer')}
        </button>
      )}
      {target === null && <p className="muted">{t('phone.noCustomerLeft')}</p>}
      {target && (
        <fieldset>
          <legend>{t('phone.customer')}</legend>
          <p>
            <strong>{target.name ?? target.phone}</strong> · {target.phone}
          </p>
          {phone.me && <DialPad key={target.id} api={api} me={phone.me} initialNumber={target.phone} />}
          <label>
            {t('phone.result')}
            <input value={result} onChange={(event) => setResult(event.target.value)} maxLength={200} />
          </label>
          <button type="button" disabled={!result.trim()} onClick={() => void save()}>
            {t('phone.saveResult')}
          </button>
        </fieldset>
      )}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
