import { Link } from 'wouter';
import { useI18n } from '../i18n/i18n.js';
import { linksLookLocal } from '../lib/address.js';
import { hasPermission, useSignedIn } from './session.js';

/** A banner while the company's links point at localhost and the console is open elsewhere. */
export function AddressWarning() {
  const { t } = useI18n();
  const session = useSignedIn();
  const address = session.address;
  if (!address || !linksLookLocal(address.url, window.location.href)) return null;
  return (
    <div className="address-warning" role="alert">
      <span>{t('address.warning', { url: address.url })}</span>{' '}
      {address.setBy === 'operator' ? (
        <span>{t('address.warningOperator')}</span>
      ) : (
        hasPermission(session, 'admin.channels') && <Link href="/admin/company">{t('address.warningFix')}</Link>
      )}
    </div>
  );
}
