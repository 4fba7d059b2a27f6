import { useCallback, useState } from 'react';
import { useApi } from '../app/api-context.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { ListPage } from './AdminList.js';
import { useLoad } from './useLoad.js';
import type { Answer } from '../api/schema.js';

const days = (value: string) => (value.trim() === '' ? null : Number(value));

/**
 * How long the company keeps resolved conversations and the files in them. Open conversations
 * are never touched. The policy runs daily; each run's report says what it removed.
 */
export function RetentionPage() {
  const { t, language } = useI18n();
  const { client } = useApi();
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a reload after a change
  const policy = useLoad(useCallback(() => client.get<Answer<'/api/retention', 'get'>>('/retention'), [client, version]));
  const [saved, setSaved] = useState(false);
  const [running, setRunning] = useState(false);
  const [runProblem, setRunProblem] = useState<string>();
  const describe = useCallback((error: unknown) => describeError(error, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        setSaved(false);
        await client.put('/retention', { conversationDays: days(formText(form, 'conversationDays')), fileDays: days(formText(form, 'fileDays')) });
        setSaved(true);
        setVersion((n) => n + 1);
      },
      [client],
    ),
    describe,
  );
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');
  const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);
  const p = policy.data;
  return (
    <ListPage
      title={t('retention.title')}
      lead={<p>{t('retention.intro')}</p>}
      loadError={policy.error}
      banner={
        <>
          {p && (
            <form key={version} className="admin-form section" aria-label={t('retention.title')} onSubmit={onSubmit}>
              <Field
                label={t('retention.conversationDays')}
                name="conversationDays"
                type="number"
                min={1}
                max={36500}
                defaultValue={p.conversationDays ?? ''}
                hint={t('retention.conversationHint')}
              />
              <Field
                label={t('retention.fileDays')}
                name="fileDays"
                type="number"
                min={1}
                max={36500}
                defaultValue={p.fileDays ?? ''}
                hint={t('retention.fileHint')}
              />
              <div className="form-actions">
                <button type="submit" disabled={busy}>
                  {t('retention.save')}
                </button>
                <button
                  type="button"
                  disabled={running || (!p.conversationDays && !p.fileDays)}
                  onClick={async () => {
                    setRunning(true);
                    setRunProblem(undefined);
                    try {
                      await client.post('/retention/run', {});
                      setVersion((n) => n + 1);
                    } catch (caught) {
                      setRunProblem(describe(caught));
                    } finally {
                      setRunning(false);
                    }
                  }}
                >
                  {t('retention.runNow')}
                </button>
              </div>
              {p.nextRunAt && <p className="hint">{t('retention.nextRun', { time: time(p.nextRunAt) })}</p>}
              {error && (
                <p role="alert" className="error">
                  {error}
                </p>
              )}
              {runProblem && (
                <p role="alert" className="error">
                  {runProblem}
                </p>
              )}
              {saved && <p role="status">{t('retention.saved')}</p>}
            </form>
          )}
          <h2>{t('retention.runs')}</h2>
        </>
      }
      rows={p?.runs}
      tableLabel={t('retention.runs')}
      empty={t('retention.noRuns')}
      columns={[
        { header: t('retention.when'), cell: (run) => time(run.startedAt) },
        { header: t('retention.startedBy'), cell: (run) => (run.startedBy ? t('retention.byHand') : t('retention.bySchedule')) },
        { header: t('retention.conversationsRemoved'), cell: (run) => run.conversationsRemoved },
        { header: t('retention.messagesRemoved'), cell: (run) => run.messagesRemoved },
        { header: t('retention.filesRemoved'), cell: (run) => `${run.filesRemoved} (${size(run.bytesRemoved)})` },
        {
          header: t('retention.outcome'),
          cell: (run) => (run.error ? <span className="error">{run.error}</span> : run.finishedAt ? t('retention.done') : t('retention.running')),
        },
      ]}
      nameOf={(run) => time(run.startedAt)}
    />
  );
}
