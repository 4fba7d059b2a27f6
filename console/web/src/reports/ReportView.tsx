import { useCallback, useMemo } from 'react';
import { useLoad } from '../admin/useLoad.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { describeError } from '../pages/describe-error.js';
import { PeriodFields } from './PeriodFields.js';
import { Chart } from './Chart.js';
import { CARDS, CHARTS, TABLE_COLUMNS, formatFigure } from './columns.js';
import type { Figures, ReportFilters, ReportName, ReportsApi } from './reports-api.js';

/** One report: the filters, the totals as cards, a chart, the table and its CSV. */
export function ReportView({
  api,
  name,
  filters,
  onFilters,
}: {
  api: ReportsApi;
  name: ReportName;
  filters: ReportFilters;
  onFilters(next: ReportFilters): void;
}) {
  const { t } = useI18n();
  const load = useCallback(() => api.report(name, filters), [api, name, filters]);
  const { data, error } = useLoad(load);
  const dims = useLoad(useCallback(() => api.dimensions(), [api]));
  const label = (field: string) => t(`reports.col.${field}` as MessageKey);
  const chart = CHARTS[name];
  const chartRows: Figures[] = (chart.from === 'series' ? data?.series?.points : data?.rows) ?? [];
  const chartLabels = useMemo(() => chartRows.map((r) => String(r.key ?? r.name ?? '–')), [chartRows]);
  const chartSeries = useMemo(
    () => chart.figures.map((f) => ({ label: t(`reports.col.${f}` as MessageKey), values: chartRows.map((r) => (r[f] as number | null) ?? null) })),
    [chart, chartRows, t],
  );
  const tableRows: Figures[] = (name === 'overview' || name === 'csat' ? data?.series?.points : data?.rows) ?? [];
  const set = (patch: Partial<ReportFilters>) => onFilters({ ...filters, ...patch });
  return (
    <>
      <h1>{t(`reports.${name}` as MessageKey)}</h1>
      <form className="report-filters" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
        <PeriodFields filters={filters} set={set} />
        <label>
          {t('reports.channel')}
          <select value={filters.channelId ?? ''} onChange={(e) => set({ channelId: e.target.value || undefined })}>
            <option value="">{t('reports.all')}</option>
            {dims.data?.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.group')}
          <select value={filters.groupId ?? ''} onChange={(e) => set({ groupId: e.target.value || undefined })}>
            <option value="">{t('reports.all')}</option>
            {dims.data?.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.agent')}
          <select value={filters.agentId ?? ''} onChange={(e) => set({ agentId: e.target.value || undefined })}>
            <option value="">{t('reports.all')}</option>
            {dims.data?.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.tag')}
          <input type="text" value={filters.tag ?? ''} onChange={(e) => set({ tag: e.target.value.trim() || undefined })} />
        </label>
        <a className="button" href={api.csvUrl(name, filters)} download>
          {t('reports.csv')}
        </a>
      </form>
      {data?.ownOnly && <p className="hint">{t('reports.ownOnly')}</p>}
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      {data && (
        <>
          <dl className="report-cards" aria-label={t('reports.totals')}>
            {CARDS[name].map((field) => (
              <div key={field} className="report-card" data-figure={field}>
                <dt>{label(field)}</dt>
                <dd>{formatFigure(field, data.totals[field])}</dd>
              </div>
            ))}
          </dl>
          {chartRows.length > 0 && <Chart kind={chart.kind} labels={chartLabels} series={chartSeries} title={t(`reports.${name}` as MessageKey)} />}
          <div className="table-scroll">
            <table className="admin-table" aria-label={t('reports.table')}>
              <thead>
                <tr>
                  {TABLE_COLUMNS[name].map((c) => (
                    <th key={c} scope="col">
                      {label(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {tableRows.map((row, i) => (
                  <tr key={String(row.id ?? row.key ?? i)}>
                    {TABLE_COLUMNS[name].map((c) => (
                      <td key={c}>{c === 'name' && row.name === null ? t('reports.none') : formatFigure(c, row[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {name === 'csat' && data.comments && data.comments.length > 0 && (
            <section aria-label={t('reports.comments')}>
              <h2>{t('reports.comments')}</h2>
              <ul className="report-comments">
                {data.comments.map((c) => (
                  <li key={c.conversationId}>
                    <strong>{'★'.repeat(c.rating)}</strong> {c.comment}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </>
  );
}
