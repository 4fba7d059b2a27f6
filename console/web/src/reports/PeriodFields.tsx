import { useI18n } from '../i18n/i18n.js';
import type { ReportFilters } from './reports-api.js';

const TIME_ZONES = ['UTC', 'Asia/Shanghai', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles'];

/** The period of a report: first and last day (both counted) and the time zone the days are read in. */
export function PeriodFields({ filters, set }: { filters: ReportFilters; set(patch: Partial<ReportFilters>): void }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('reports.from')}
        <input type="date" value={filters.from} max={filters.to} onChange={(e) => e.target.value && set({ from: e.target.value })} />
      </label>
      <label>
        {t('reports.to')}
        <input type="date" value={filters.to} min={filters.from} onChange={(e) => e.target.value && set({ to: e.target.value })} />
      </label>
      <label>
        {t('reports.timeZone')}
        <select value={filters.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
          {[...new Set([filters.timeZone, ...TIME_ZONES])].map((z) => (
            <option key={z}>{z}</option>
          ))}
        </select>
      </label>
    </>
  );
}
