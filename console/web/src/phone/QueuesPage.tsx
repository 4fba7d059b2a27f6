import { useCallback, useState } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

interface QueueView {
  id: string;
  name: string;
  noAnswerSeconds: number | null;
  overflowGroupId: string | null;
  overflowAfterSeconds: number | null;
  maxQueueLength: number | null;
}

const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/** Call queues (agent groups for voice): how long a phone rings before the next agent, where a long wait overflows, the longest line. */
export function QueuesPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const load = useCallback(() => client.get<{ groups: QueueView[] }>('/groups'), [client]);
  const { data, error, reload } = useLoad(load);
  if (error) return <p role="alert">{describeError(error, t)}</p>;
  if (!data) return <p>{t('app.loading')}</p>;
  return (
    <section aria-label={t('phone.nav.queues')}>
      <h1>{t('phone.nav.queues')}</h1>
      {data.groups.map((group) => (
        <QueueForm key={group.id} group={group} all={data.groups} onSaved={reload} />
      ))}
    </section>
  );
}

function QueueForm({ group, all, onSaved }: { group: QueueView; all: QueueView[]; onSaved(): void }) {
  const { t } = useI18n();
  const { client } = useApi();
  const [ring, setRing] = useState(group.noAnswerSeconds?.toString() ?? '');
  const [overflowTo, setOverflowTo] = useState(group.overflowGroupId ?? '');
  const [overflowAfter, setOverflowAfter] = useState(group.overflowAfterSeconds?.toString() ?? '');
  const [limit, setLimit] = useState(group.maxQueueLength?.toString() ?? '');
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const save = async () => {
    setStatus(undefined);
    try {
      await client.patch(`/groups/${encodeURIComponent(group.id)}`, {
        noAnswerSeconds: numberOrNull(ring),
        overflowGroupId: overflowTo || null,
        overflowAfterSeconds: numberOrNull(overflowAfter),
        maxQueueLength: numberOrNull(limit),
      });
      setStatus({ ok: true, text: t('phone.queueSaved') });
      onSaved();
    } catch (caught) {
      setStatus({ ok: false, text: describeError(caught, t) });
    }
  };
  return (
    <form
      aria-label={group.name}
      className="queue-settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <h2>{group.name}</h2>
      <label>
        {t('phone.queueRing')}
        <input type="number" min={1} value={ring} onChange={(event) => setRing(event.target.value)} />
      </label>
      <label>
        {t('phone.queueOverflowTo')}
        <select value={overflowTo} onChange={(event) => setOverflowTo(event.target.value)}>
          <option value="">{t('phone.none')}</option>
          {all
            .filter((g) => g.id !== group.id)
            .map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
        </select>
      </label>
      <label>
        {t('phone.queueOverflowAfter')}
        <input type="number" min={1} value={overflowAfter} onChange={(event) => setOverflowAfter(event.target.value)} />
      </label>
      <label>
        {t('phone.queueLimit')}
        <input type="number" min={0} value={limit} onChange={(event) => setLimit(event.target.value)} />
      </label>
      <button type="submit">{t('phone.saveQueue')}</button>
      {status && <p role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}
