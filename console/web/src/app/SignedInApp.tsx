import { Link, Route, Switch } from 'wouter';
import { useI18n } from '../i18n/i18n.js';

/** What a signed-in user can open. Loaded after sign-in, so the sign-in page stays light. */
export default function SignedInApp() {
  return (
    <Switch>
      <Route path="/">{() => <main className="page" />}</Route>
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
