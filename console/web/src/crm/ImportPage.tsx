import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { crmApi, type ImportJob } from './api.js';

/** The import wizard: pick a CSV file, watch its progress, download the rows it refused. */
export default function ImportPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => crmApi(client), [client]);
  const [file, setFile] = useState<File>();
  const [job, setJob] = useState<ImportJob>();
  const [problem, setProblem] = useState<string>();
  const running = job && (job.status === 'queued' || job.status === 'running');
  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(() => {
      api.importJob(job.id).then(setJob, (caught) => setProblem(describeError(caught, t)));
    }, 700);
    return () => clearTimeout(timer);
  }, [api, job, running, t]);
  return (
    <main className="page crm import-page">
      <Link className="back-link" href="/contacts">
        {t('crm.customers')}
      </Link>
      <h1>{t('crm.importTitle')}</h1>
      <p className="hint">{t('crm.importHelp')}</p>
      <form
        aria-label={t('crm.importTitle')}
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) return;
          setProblem(undefined);
          try {
            setJob(await api.startImport(file));
          } catch (caught) {
            setProblem(describeError(caught, t));
          }
        }}
      >
        <label>
          {t('crm.csvFile')}
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0])} />
        </label>
        <button type="submit" disabled={!file || Boolean(running)}>
          {t('crm.startImport')}
        </button>
      </form>
      {problem && <p className="error">{problem}</p>}
      {job && (
        <section className="section" aria-label={t('crm.importProgress')} aria-live="polite">
          <progress max={100} value={job.progress} aria-label={t('crm.importProgress')} />
          <p>
            {t(`crm.importStatus.${job.status}`)} · {t('crm.importCounts', { rows: job.rows, created: job.created, updated: job.updated, failed: job.failed })}
          </p>
          {job.error && <p className="error">{job.error}</p>}
          {job.status === 'done' && job.failed > 0 && (
            <a className="button" href={api.importErrorsUrl(job.id)} download>
              {t('crm.errorReport')}
            </a>
          )}
        </section>
      )}
    </main>
  );
}
