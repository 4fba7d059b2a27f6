import { lazy, Suspense, type ComponentType } from 'react';
import { Link, Route, Switch } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import InboxPage from '../inbox/InboxPage.js';
import { Loading } from './App.js';

const AdminApp = lazy(() => import('../admin/AdminApp.js'));
const ContactsPage = lazy(() => import('../crm/ContactsPage.js'));
const ContactPage = lazy(() => import('../crm/ContactPage.js'));
const ImportPage = lazy(() => import('../crm/ImportPage.js'));
const SearchPage = lazy(() => import('../crm/SearchPage.js'));
const ReportsApp = lazy(() => import('../reports/ReportsApp.js'));
const TicketsPage = lazy(() => import('../tickets/TicketsPage.js'));
const TicketPage = lazy(() => import('../tickets/TicketPage.js'));
const PhoneApp = lazy(() => import('../phone/PhoneApp.js'));
const ProfilePage = lazy(() => import('../account/ProfilePage.js'));
const KnowledgePage = lazy(() => import('../knowledge/KnowledgePage.js'));
const ArticleEditor = lazy(() => import('../knowledge/ArticleEditor.js'));

/** What a signed-in user can open. Loaded after sign-in, so the sign-in page stays light. */
export default function SignedInApp() {
  return (
    <Switch>
      <Route path="/" component={InboxPage} />
      <Route path="/conversations/:id" component={InboxPage} />
      <Route path="/tickets">
        {() => (
          <Suspense fallback={<Loading />}>
            <TicketsPage />
          </Suspense>
        )}
      </Route>
      <Route path="/tickets/:id">
        {() => (
          <Suspense fallback={<Loading />}>
            <TicketPage />
          </Suspense>
        )}
      </Route>
      <Route path="/contacts">{() => <Lazy page={ContactsPage} />}</Route>
      <Route path="/contacts/import">{() => <Lazy page={ImportPage} />}</Route>
      <Route path="/contacts/:id">{() => <Lazy page={ContactPage} />}</Route>
      <Route path="/search">{() => <Lazy page={SearchPage} />}</Route>
      <Route path="/knowledge">{() => <Lazy page={KnowledgePage} />}</Route>
      <Route path="/knowledge/:id">{() => <Lazy page={ArticleEditor} />}</Route>
      <Route path="/profile">{() => <Lazy page={ProfilePage} />}</Route>
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

function Lazy({ page: Page }: { page: ComponentType }) {
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
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
