import { lazy, Suspense } from 'react';
import { Redirect, Route, Router, Switch } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import { ChooseCompany } from '../pages/ChooseCompany.js';
import { RequestReset } from '../pages/RequestReset.js';
import { SetPassword } from '../pages/SetPassword.js';
import { SignIn } from '../pages/SignIn.js';
import { SignUp } from '../pages/SignUp.js';
import { SsoRedirect } from '../pages/SsoRedirect.js';
import { FeedProvider, feedUrl } from '../realtime/feed.js';
import { useApi } from './api-context.js';
import { useSession } from './session.js';
import { Shell } from './Shell.js';

const SignedInApp = lazy(() => import('./SignedInApp.js'));

/** The pages, chosen by the path below the company's base path and by whether a session is open. */
export function App() {
  const { tenant } = useApi();
  return (
    <Router base={tenant.basePath}>
      <Switch>
        <Route path="/sign-up" component={SignUp} />
        <Route path="/activate">{() => <SetPassword purpose="activation" />}</Route>
        <Route path="/reset-password">{() => <ResetPage />}</Route>
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/sso" component={SsoRedirect} />
        <Route>{() => <SignedInOnly />}</Route>
      </Switch>
    </Router>
  );
}

function ResetPage() {
  return new URLSearchParams(window.location.search).has('token') ? <SetPassword purpose="reset" /> : <RequestReset />;
}

function SignInPage() {
  const { state } = useSession();
  return state.kind === 'signed-in' ? <Redirect to="/" /> : <SignIn />;
}

function SignedInOnly() {
  const { state, refresh } = useSession();
  const { tenant } = useApi();
  const { t } = useI18n();
  switch (state.kind) {
    case 'loading':
      return <Loading />;
    case 'signed-out':
      return <Redirect to="/sign-in" />;
    case 'no-company':
      return <ChooseCompany />;
    case 'error':
      return (
        <main className="centered">
          <p role="alert">{t('app.error', { message: state.error.message })}</p>
          <button type="button" onClick={() => void refresh()}>
            {t('app.retry')}
          </button>
        </main>
      );
    case 'signed-in':
      return (
        <FeedProvider url={feedUrl(tenant.basePath, window.location)} onSignedOut={() => void refresh()}>
          <Shell>
            <Suspense fallback={<Loading />}>
              <SignedInApp />
            </Suspense>
          </Shell>
        </FeedProvider>
      );
  }
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="centered" role="status">
      {t('app.loading')}
    </p>
  );
}
