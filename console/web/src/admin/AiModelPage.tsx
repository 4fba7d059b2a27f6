import { useCallback, useMemo, useRef, useState } from 'react';
import { assistantApi, type AiModelCheck, type AiUsage } from '../api/assistant.js';
import { useApi } from '../app/api-context.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { en, type MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useLoad } from './useLoad.js';

/** Words for why the model gave no answer ("the model's server refused the API key"). */
export function modelFailure(reason: string | undefined, t: (key: MessageKey) => string): string {
  const key = `ai.reason.${reason}`;
  return key in en ? t(key as MessageKey) : t('ai.reason.failed');
}

/**
 * The company's AI model: one OpenAI-compatible chat-completions endpoint (base URL, model, key)
 * that the copilot and the answer bot use, a test call, and what the calls cost. The key is
 * write-only: the page only says whether one is stored, and an empty field keeps it.
 */
export function AiModelPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => assistantApi(client), [client]);
  const settings = useLoad(useCallback(() => api.model(), [api]));
  const usage = useLoad(useCallback(() => api.usage(), [api]));
  const [saved, setSaved] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [checking, setChecking] = useState(false);
  const [check, setCheck] = useState<AiModelCheck | { error: string }>();
  const describe = useCallback((error: unknown) => describeError(error, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        setSaved(false);
        setCheck(undefined);
        const key = formText(form, 'apiKey').trim();
        await api.setModel({
          enabled: form.get('enabled') === 'on',
          baseUrl: formText(form, 'baseUrl').trim(),
          model: formText(form, 'model').trim(),
          ...(key ? { apiKey: key } : form.get('removeKey') === 'on' ? { apiKey: null } : {}),
          maskPersonalData: form.get('maskPersonalData') === 'on',
          timeoutMs: Math.round(Number(formText(form, 'timeout')) * 1000),
        });
        // The key is not kept on the page once stored.
        for (const input of formRef.current?.querySelectorAll<HTMLInputElement>('input[type="password"]') ?? []) input.value = '';
        setSaved(true);
        settings.reload();
      },
      [api, settings.reload],
    ),
    describe,
  );
  const test = async () => {
    setChecking(true);
    setCheck(undefined);
    try {
      setCheck(await api.check());
      usage.reload();
    } catch (caught) {
      setCheck({ error: describe(caught) });
    } finally {
      setChecking(false);
    }
  };
  const s = settings.data;
  return (
    <>
      <h1>{t('admin.aiModel')}</h1>
      <p>{t('aiModel.intro')}</p>
      {settings.error !== undefined && (
        <p role="alert" className="error">
          {describe(settings.error)}
        </p>
      )}
      {s && (
        <form
          key={`${s.updatedAt}-${s.apiKeySet}`}
          ref={formRef}
          className="admin-form section ai-model-form"
          aria-label={t('aiModel.settings')}
          onSubmit={onSubmit}
        >
          <h2>
            {t('aiModel.settings')}{' '}
            <span className={s.configured ? 'status-badge in-use' : 'status-badge'}>{t(s.configured ? 'aiModel.state.on' : 'aiModel.state.off')}</span>
          </h2>
          <div className="field">
            <label className="check">
              <input type="checkbox" name="enabled" defaultChecked={s.enabled} /> {t('aiModel.enabled')}
            </label>
          </div>
          <Field
            label={t('aiModel.baseUrl')}
            name="baseUrl"
            type="url"
            required
            defaultValue={s.baseUrl}
            placeholder="https://api.openai.com/v1"
            hint={t('aiModel.baseUrlHint')}
          />
          <Field
            label={t('aiModel.model')}
            name="model"
            required
            maxLength={200}
            defaultValue={s.model}
            placeholder="gpt-4o-mini"
            hint={t('aiModel.modelHint')}
          />
          <Field
            label={t('aiModel.apiKey')}
            name="apiKey"
            type="password"
            autoComplete="new-password"
            maxLength={1000}
            hint={s.apiKeySet ? t('aiModel.apiKeySet') : t('aiModel.apiKeyHint')}
          />
          {s.apiKeySet && (
            <div className="field">
              <label className="check">
                <input type="checkbox" name="removeKey" /> {t('aiModel.removeKey')}
              </label>
            </div>
          )}
          <div className="field">
            <label className="check">
              <input type="checkbox" name="maskPersonalData" defaultChecked={s.maskPersonalData} aria-describedby="ai-mask-hint" /> {t('aiModel.mask')}
            </label>
            <small id="ai-mask-hint" className="hint">
              {t('aiModel.maskHint')}
            </small>
          </div>
          <Field
            label={t('aiModel.timeout')}
            name="timeout"
            type="number"
            min={1}
            max={300}
            required
            defaultValue={s.timeoutMs / 1000}
            hint={t('aiModel.timeoutHint')}
          />
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {saved && <p role="status">{t('aiModel.saved')}</p>}
          <div className="form-actions">
            <button type="submit" disabled={busy}>
              {t('form.save')}
            </button>
            <button type="button" className="secondary" disabled={checking || !s.baseUrl} onClick={() => void test()}>
              {checking ? t('aiModel.testing') : t('aiModel.test')}
            </button>
          </div>
          {check && <CheckResult check={check} />}
        </form>
      )}
      {usage.data && <UsageTable usage={usage.data} />}
    </>
  );
}

function CheckResult({ check }: { check: AiModelCheck | { error: string } }) {
  const { t } = useI18n();
  if ('error' in check)
    return (
      <p role="alert" className="error">
        {check.error}
      </p>
    );
  if (check.ok) return <p role="status">{t('aiModel.testOk', { model: check.model ?? '', ms: check.latencyMs ?? 0 })}</p>;
  return (
    <p role="alert" className="error">
      {t('aiModel.testFailed', { reason: modelFailure(check.reason, t) })}
      {check.message && <small className="ai-detail"> ({check.message})</small>}
    </p>
  );
}

/** The last 30 days of calls: in all, and by what made them. */
function UsageTable({ usage }: { usage: AiUsage }) {
  const { t } = useI18n();
  const ms = (value: number | null) => (value === null ? '–' : t('aiModel.ms', { ms: value }));
  const feature = (name: string) => {
    const key = `aiModel.feature.${name}`;
    return key in en ? t(key as MessageKey) : name;
  };
  const errors = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ');
  return (
    <section className="section" aria-label={t('aiModel.usage')}>
      <h2>{t('aiModel.usage')}</h2>
      {usage.calls === 0 ? (
        <p className="hint">{t('aiModel.noUsage')}</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">{t('aiModel.feature')}</th>
                <th scope="col">{t('aiModel.calls')}</th>
                <th scope="col">{t('aiModel.promptTokens')}</th>
                <th scope="col">{t('aiModel.completionTokens')}</th>
                <th scope="col">{t('aiModel.median')}</th>
                <th scope="col">{t('aiModel.p95')}</th>
                <th scope="col">{t('aiModel.errors')}</th>
              </tr>
            </thead>
            <tbody>
              {usage.byFeature.map((row) => (
                <tr key={row.feature}>
                  <th scope="row">{feature(row.feature)}</th>
                  <td>{row.calls}</td>
                  <td>{row.promptTokens}</td>
                  <td>{row.completionTokens}</td>
                  <td>{ms(row.latency.medianMs)}</td>
                  <td>{ms(row.latency.p95Ms)}</td>
                  <td>
                    {row.errors}
                    {row.errors > 0 && <small className="hint"> ({errors(row.errorsByCode)})</small>}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('aiModel.total')}</th>
                <td>{usage.calls}</td>
                <td>{usage.promptTokens}</td>
                <td>{usage.completionTokens}</td>
                <td>{ms(usage.latency.medianMs)}</td>
                <td>{ms(usage.latency.p95Ms)}</td>
                <td>{usage.errors}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
