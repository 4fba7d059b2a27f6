import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { BusinessRecordsPage } from './BusinessRecordsPage.js';
import { CallRecordsPage } from './CallRecordsPage.js';
import { CallbacksPage } from './CallbacksPage.js';
import { CallTasksPage } from './CallTasksPage.js';
import { IvrPage } from './IvrPage.js';
import { QueuesPage } from './QueuesPage.js';
import { TeamPage } from './TeamPage.js';
import { Workbench } from './Workbench.js';

/** The call center's screens, below /phone; loaded only when opened. */
export default function PhoneApp() {
  const { t } = useI18n();
  const session = useSignedIn();
  const [location] = useLocation();
  const sections = [
    { path: '/workbench', label: t('phone.nav.workbench'), allowed: true },
    { path: '/calls', label: t('phone.nav.calls'), allowed: true },
    { path: '/business-records', label: t('phone.nav.records'), allowed: true },
    { path: '/callbacks', label: t('phone.nav.callbacks'), allowed: hasPermission(session, 'calls.dial') },
    { path: '/tasks', label: t('phone.nav.tasks'), allowed: hasPermission(session, 'calls.dial') || hasPermission(session, 'admin.voice') },
    { path: '/team', label: t('phone.nav.team'), allowed: (['admin.voice', 'admin.agents', 'reports.view'] as const).some((p) => hasPermission(session, p)) },
    { path: '/ivr', label: t('phone.nav.ivr'), allowed: hasPermission(session, 'admin.voice') },
    { path: '/queues', label: t('phone.nav.queues'), allowed: hasPermission(session, 'admin.routing') },
  ].filter((s) => s.allowed);
  return (
    <div className="admin phone-app">
      <nav className="admin-nav" aria-label={t('phone.nav.label')}>
        {sections.map((section) => (
          <Link key={section.path} href={section.path} aria-current={location.startsWith(section.path) ? 'page' : undefined}>
            {section.label}
          </Link>
        ))}
      </nav>
      <main className="page">
        <Switch>
          <Route path="/workbench" component={Workbench} />
          <Route path="/calls" component={CallRecordsPage} />
          <Route path="/business-records" component={BusinessRecordsPage} />
          <Route path="/callbacks" component={CallbacksPage} />
          <Route path="/tasks" component={CallTasksPage} />
          <Route path="/team" component={TeamPage} />
          <Route path="/ivr" component={IvrPage} />
          <Route path="/queues" component={QueuesPage} />
          <Route>{() => <Redirect to="/workbench" replace />}</Route>
        </Switch>
      </main>
    </div>
  );
}
