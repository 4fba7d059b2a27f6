import { useMemo, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { BotReportView } from './BotReportView.js';
import { MonitorPage } from './MonitorPage.js';
import { reportsApi, type ReportFilters, type ReportName } from './reports-api.js';
import { ReportView } from './ReportView.js';

const REPORTS: ReportName[] = ['overview', 'channels', 'agents', 'groups', 'tickets', 'calls', 'csat'];

const today = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Reports and the live monitor, loaded only when opened. Paths here are below /reports. */
export default function ReportsApp() {
  const { t } = useI18n();
  const { client } = useApi();
  const session = useSignedIn();
  const [location] = useLocation();
  const api = useMemo(() => reportsApi(client), [client]);
  const canReport = hasPermission(session, 'reports.view') || hasPermission(session, 'reports.view.own');
  const canMonitor = hasPermission(session, 'reports.monitor');
  // The bot's report is the company's: no narrowing to one's own work.
  const canBotReport = hasPermission(session, 'reports.view');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const [filters, setFilters] = useState<ReportFilters>(() => ({ from: daysBefore(today(zone), 6), to: today(zone), timeZone: zone }));
  const sections = [
    ...(canReport ? REPORTS.map((name) => ({ path: `/${name}`, label: t(`reports.${name}` as MessageKey) })) : []),
    ...(canBotReport ? [{ path: '/bot', label: t('reports.bot') }] : []),
    ...(canMonitor ? [{ path: '/monitor', label: t('reports.monitor') }] : []),
  ];
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('nav.reports')}>
        {sections.map((section) => (
          <Link key={section.path} href={section.path} aria-current={location.startsWith(section.path) ? 'page' : undefined}>
            {section.label}
          </Link>
        ))}
      </nav>
      <main className="page">
        <Switch>
          {canBotReport && <Route path="/bot">{() => <BotReportView filters={filters} onFilters={setFilters} />}</Route>}
          {canMonitor && <Route path="/monitor">{() => <MonitorPage api={api} />}</Route>}
          {canReport && (
            <Route path="/:report">
              {(params) =>
                REPORTS.includes(params.report as ReportName) ? (
                  <ReportView api={api} name={params.report as ReportName} filters={filters} onFilters={setFilters} />
                ) : (
                  <Redirect to="/overview" replace />
                )
              }
            </Route>
          )}
          <Route>{() => (sections[0] ? <Redirect to={sections[0].path} replace /> : <h1>{t('nav.reports')}</h1>)}</Route>
        </Switch>
      </main>
    </div>
  );
}
