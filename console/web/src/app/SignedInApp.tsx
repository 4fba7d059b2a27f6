import { lazy, Suspense } from 'react';
import { Link, Route, Switch } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import InboxPage from '../inbox/InboxPage.js';
import { Loading } from './App.js';

const AdminApp = lazy(() => import('../admin/AdminApp.js'));
const PhoneApp = lazy(() => import('../phone/PhoneApp.js'));
const ReportsApp = lazy(() => import('../reports/ReportsApp.js'));

/** What a signed-in user can open. Loaded after sign-in, so the sign-in page stays light. */
export default function SignedInApp() {
  return (
    <Switch>
      <Route path="/" component={InboxPage} />
      <Route path="/conversations/:id" component={InboxPage} />
      <Route path="/phone" nest>
        {() => (
          <Suspense fallback={<Loading />}>
            <PhoneApp />
          </Suspense>
        )}
      </Route>
      <Route path="/admin" nest>
        {() => (
          <Suspense fallback={<Loading />}>
            <AdminApp />
          </Suspense>
        )}
      </Route>
      <Route path="/reports" nest>
        {() => (
          <Suspense fallback={<Loading />}>
            <ReportsApp />
          </Suspense>
        )}
      </Route>
      <Route component={NotFound} />
    </Switch>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <main className="page">
      <h1>{t('notFound.title')}</h1>
      <Link href="/">{t('notFound.back')}</Link>
    </main>
  );
}
