import { useCallback } from 'react';
import { CopyButton } from '../admin/CopyButton.js';
import type { TwoFactorEnrolment } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';

/** The secret in groups of four, as authenticator apps print it: easier to type without a slip. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * A new two-factor secret: the QR code for the authenticator app, the same secret as text for
 * typing in, and the first code that proves the app has it.
 */
export function TwoFactorSetup({
  enrolment,
  onConfirm,
  describe,
}: {
  enrolment: TwoFactorEnrolment;
  onConfirm: (code: string) => Promise<void>;
  describe: (error: unknown) => string;
}) {
  const { t } = useI18n();
  const { busy, error, onSubmit } = useSubmit(
    useCallback((form) => onConfirm(formText(form, 'code').replace(/\s+/g, '')), [onConfirm]),
    describe,
  );
  return (
    <div className="two-factor-setup">
      <p>{t('twoFactor.scan')}</p>
      <img className="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} alt={t('twoFactor.qrAlt')} width={200} height={200} />
      <p className="hint">{t('twoFactor.orType')}</p>
      <div className="copy-row">
        <code className="two-factor-secret">{grouped(enrolment.secret)}</code>
        <CopyButton text={enrolment.secret} />
      </div>
      <form onSubmit={onSubmit} aria-label={t('twoFactor.confirmTitle')}>
        <Field
          label={t('twoFactor.code')}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxLength={7}
          required
          hint={t('twoFactor.codeHint')}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('twoFactor.confirm')}
        </button>
      </form>
    </div>
  );
}

/** The recovery codes, shown once: the way in when the phone is lost. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <div className="recovery-codes">
      <p>{t('twoFactor.recoveryHint')}</p>
      <ol aria-label={t('twoFactor.recoveryCodes')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="copy-row">
        <CopyButton text={codes.join('\n')} />
        <button type="button" onClick={onDone}>
          {t('twoFactor.saved')}
        </button>
      </div>
    </div>
  );
}
