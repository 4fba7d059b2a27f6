import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { useI18n } from '../i18n/i18n.js';
import { safeHref } from '../lib/links.js';
import { AddressWarning } from './AddressWarning.js';
import { MyStatus } from './MyStatus.js';
import { SearchBox } from '../crm/SearchBox.js';
import { useSession, useSignedIn } from './session.js';

/** The signed-in frame: the top bar with navigation, language, the user and sign-out. */
export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const session = useSignedIn();
  const { signOut } = useSession();
  const [location, navigate] = useLocation();
  const isAdmin = session.permissions.some((permission) => permission.startsWith('admin.'));
  const seesReports = session.permissions.some((permission) => permission.startsWith('reports.'));

  const onSignOut = async () => {
    const logoutUrl = await signOut();
    const href = logoutUrl ? safeHref(logoutUrl, window.location.href) : undefined;
    if (href) window.location.assign(href);
    else navigate('/sign-in');
  };

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{session.tenant.name}</span>
        <nav aria-label={t('nav.main')}>
          <Link href="/" aria-current={location === '/' ? 'page' : undefined}>
            {t('nav.inbox')}
          </Link>
          {session.permissions.includes('contacts.view') && (
            <Link href="/contacts" aria-current={location.startsWith('/contacts') ? 'page' : undefined}>
              {t('nav.customers')}
            </Link>
          )}
          {seesReports && (
            <Link href="/reports" aria-current={location.startsWith('/reports') ? 'page' : undefined}>
              {t('nav.reports')}
            </Link>
          )}
          {session.permissions.includes('tickets.view') && (
            <Link href="/tickets" aria-current={location.startsWith('/tickets') ? 'page' : undefined}>
              {t('nav.tickets')}
            </Link>
          )}
          <Link href="/knowledge" aria-current={location.startsWith('/knowledge') ? 'page' : undefined}>
            {t('nav.knowledge')}
          </Link>
          <Link href="/phone" aria-current={location.startsWith('/phone') ? 'page' : undefined}>
            {t('nav.phone')}
          </Link>
          {isAdmin && (
            <Link href="/admin" aria-current={location.startsWith('/admin') ? 'page' : undefined}>
              {t('nav.admin')}
            </Link>
          )}
        </nav>
        <div className="topbar-end">
          <SearchBox />
          <MyStatus />
          <LanguageSwitch />
          <span className="user-name" title={session.user.email}>
            <Link href="/profile" aria-label={t('profile.open', { name: session.user.name })}>
              {session.user.name}
            </Link>
          </span>
          <button type="button" className="link" onClick={() => void onSignOut()}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <AddressWarning />
      <div className="shell-body">{children}</div>
    </div>
  );
}
