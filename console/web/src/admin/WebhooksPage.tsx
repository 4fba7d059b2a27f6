import { useCallback, useMemo, useState } from 'react';
import { useApi } from '../app/api-context.js';
import { webhooksApi, type WebhookDelivery, type WebhookEvent, type WebhookView, type WebhooksApi } from '../api/webhooks.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import type { Params } from '../i18n/translate.js';
import { formatTime } from '../inbox/time.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

type Translate = (key: MessageKey, params?: Params) => string;

const eventLabel = (t: Translate, event: string) => t(`webhooks.event.${event}` as MessageKey);

/** Company webhooks: subscribe URLs to events, see each delivery's attempts, replay failures. */
export function WebhooksPage() {
  const { t, language } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => webhooksApi(client), [client]);
  const load = useLoad(useCallback(() => api.list(), [api]));
  const [secret, setSecret] = useState<{ name: string; secret: string }>();
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const editor = useListEditor<WebhookView>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        // The boxes are the server's own list (GET /webhooks: events); it refuses any other name.
        const events = form.getAll('events').map(String) as WebhookEvent[];
        if (events.length === 0) throw new UserError(t('webhooks.pickEvent'));
        const created = await api.create({ name: formText(form, 'name'), url: formText(form, 'url'), events });
        setSecret({ name: created.name, secret: created.secret });
        setSelected(created.id);
        load.reload();
      },
      [api, load.reload, t],
    ),
    describe,
    { resetOnSuccess: true },
  );
  const act = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setNotice(done);
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };
  const remove = (hook: WebhookView) => {
    editor.cancelDelete();
    if (selected === hook.id) setSelected(undefined);
    void act(() => api.remove(hook.id), t('webhooks.deleted', { name: hook.name }));
  };
  const current = load.data?.webhooks.find((hook) => hook.id === selected);
  return (
    <ListPage
      title={t('admin.webhooks')}
      hint={t('webhooks.intro')}
      loadError={load.error}
      notice={notice}
      shownOnce={secret && { message: t('webhooks.secretOnce', { name: secret.name }), value: secret.secret }}
      rows={load.data?.webhooks}
      scroll
      empty={t('webhooks.none')}
      columns={[
        { header: t('admin.name'), cell: (hook) => hook.name },
        { header: t('webhooks.url'), cell: (hook) => hook.url, className: 'break' },
        { header: t('webhooks.events'), cell: (hook) => hook.events.map((event) => eventLabel(t, event)).join(', ') },
        { header: t('webhooks.state'), cell: (hook) => <HookState hook={hook} t={t} language={language} /> },
      ]}
      currentId={selected}
      nameOf={(hook) => hook.name}
      // A webhook is replaced, not edited: its secret and log belong to the URL it was made for.
      editor={editor}
      editable={false}
      dangerDelete
      confirmDelete={{ title: (hook) => t('webhooks.confirmDelete', { name: hook.name }), onConfirm: remove }}
      extraActions={(hook) => (
        <>
          <button type="button" className="link" onClick={() => setSelected(hook.id)}>
            {t('webhooks.log')}
          </button>{' '}
          <button
            type="button"
            className="link"
            onClick={() =>
              void act(
                () => api.update(hook.id, { enabled: !hook.enabled }),
                t(hook.enabled ? 'webhooks.disabledNotice' : 'webhooks.enabledNotice', { name: hook.name }),
              )
            }
          >
            {hook.enabled ? t('webhooks.disable') : t('webhooks.enable')}
          </button>{' '}
          <button
            type="button"
            className="link"
            onClick={() =>
              void act(
                async () => setSecret({ name: hook.name, secret: (await api.rotateSecret(hook.id)).secret }),
                t('webhooks.secretRotated', { name: hook.name }),
              )
            }
          >
            {t('webhooks.rotate')}
          </button>{' '}
        </>
      )}
    >
      {current && <DeliveryLog key={current.id} api={api} hook={current} onChange={load.reload} />}
      <ListForm title={t('webhooks.add')} editing={false} addLabel={t('webhooks.add')} busy={busy} error={error} onSubmit={onSubmit}>
        <Field label={t('admin.name')} name="name" required maxLength={100} />
        <Field label={t('webhooks.url')} name="url" type="url" required maxLength={2000} placeholder="https://" />
        <fieldset className="field">
          <legend>{t('webhooks.events')}</legend>
          {(load.data?.events ?? []).map((event) => (
            <label key={event} className="check">
              <input type="checkbox" name="events" value={event} defaultChecked={event === 'message.created'} /> {eventLabel(t, event)} <code>{event}</code>
            </label>
          ))}
        </fieldset>
      </ListForm>
    </ListPage>
  );
}

function HookState({ hook, t, language }: { hook: WebhookView; t: Translate; language: Parameters<typeof formatTime>[1] }) {
  if (!hook.enabled) {
    return (
      <span className="state-error">
        {hook.disabledReason ? t('webhooks.autoDisabled', { streak: hook.failureStreak }) : t('webhooks.off')}
        {hook.disabledAt && <small> · {formatTime(hook.disabledAt, language)}</small>}
      </span>
    );
  }
  return (
    <span>
      {t('webhooks.on')}
      {(hook.failedDeliveries ?? 0) > 0 && <span className="state-error"> · {t('webhooks.failedCount', { count: hook.failedDeliveries ?? 0 })}</span>}
    </span>
  );
}

const STATUSES = ['', 'failed', 'pending', 'delivered'] as const;

/** One webhook's deliveries, newest first, each with every attempt and the receiver's answer. */
function DeliveryLog({ api, hook, onChange }: { api: WebhooksApi; hook: WebhookView; onChange: () => void }) {
  const { t, language } = useI18n();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('');
  const load = useLoad(useCallback(() => api.deliveries(hook.id, status || undefined), [api, hook.id, status]));
  const [notice, setNotice] = useState<string>();
  const replay = async (run: () => Promise<{ replayed: number }>) => {
    try {
      const { replayed } = await run();
      setNotice(t('webhooks.replayed', { count: replayed }));
      load.reload();
      onChange();
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };
  return (
    <section className="delivery-log" aria-label={t('webhooks.logOf', { name: hook.name })}>
      <h2>{t('webhooks.logOf', { name: hook.name })}</h2>
      {!hook.enabled && hook.disabledReason && (
        <p role="alert" className="error">
          {t('webhooks.disabledBecause', { reason: hook.disabledReason })}
        </p>
      )}
      <div className="toolbar">
        <label>
          {t('webhooks.show')}{' '}
          <select value={status} onChange={(event) => setStatus(event.target.value as (typeof STATUSES)[number])}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s ? t(`webhooks.status.${s}`) : t('webhooks.status.all')}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={() => void load.reload()}>
          {t('webhooks.refresh')}
        </button>{' '}
        <button type="button" disabled={!hook.enabled || (hook.failedDeliveries ?? 0) === 0} onClick={() => void replay(() => api.replayFailed(hook.id))}>
          {t('webhooks.replayAll')}
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('webhooks.deliveries')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('webhooks.event')}</th>
              <th scope="col">{t('webhooks.status')}</th>
              <th scope="col">{t('webhooks.attempts')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.data?.deliveries.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                delivery={delivery}
                language={language}
                t={t}
                canReplay={hook.enabled}
                onReplay={() => void replay(() => api.replay(hook.id, delivery.id))}
              />
            ))}
            {load.data && load.data.deliveries.length === 0 && (
              <tr>
                <td colSpan={5}>{t('webhooks.noDeliveries')}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DeliveryRow({
  delivery,
  language,
  t,
  canReplay,
  onReplay,
}: {
  delivery: WebhookDelivery;
  language: Parameters<typeof formatTime>[1];
  t: Translate;
  canReplay: boolean;
  onReplay: () => void;
}) {
  return (
    <tr>
      <td>
        {formatTime(delivery.createdAt, language)}
        <br />
        <small>
          <code>{delivery.id}</code>
        </small>
      </td>
      <td>
        {eventLabel(t, delivery.event)}
        <details>
          <summary>{t('webhooks.payload')}</summary>
          <pre>{JSON.stringify(delivery.payload, null, 2)}</pre>
        </details>
      </td>
      <td className={delivery.status === 'failed' ? 'state-error' : undefined}>
        {t(`webhooks.status.${delivery.status}`)}
        {delivery.status === 'pending' && delivery.nextAttemptAt && (
          <small> · {t('webhooks.nextAt', { time: formatTime(delivery.nextAttemptAt, language) })}</small>
        )}
      </td>
      <td>
        <ol className="attempts">
          {delivery.attempts.map((attempt) => (
            <li key={attempt.attempt}>
              {attempt.statusCode !== null ? <strong>{attempt.statusCode}</strong> : <strong>—</strong>} {attempt.error ?? t('webhooks.accepted')}{' '}
              <small>
                {formatTime(attempt.at, language)} · {t('webhooks.took', { ms: attempt.durationMs })}
              </small>
              {attempt.response && (
                <details>
                  <summary>{t('webhooks.answer')}</summary>
                  <pre>{attempt.response}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      </td>
      <td>
        {delivery.status === 'failed' && (
          <button type="button" className="link" disabled={!canReplay} onClick={onReplay}>
            {t('webhooks.replay')}
          </button>
        )}
      </td>
    </tr>
  );
}
