import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { ChannelView } from '../api/types.js';
import { useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useLoad } from './useLoad.js';

/** The languages the web chat speaks, as the widget names them. */
export const WIDGET_LOCALES = ['en', 'zh-CN', 'zh-TW'] as const;
const TEXT_KEYS = ['title', 'greeting', 'offline', 'closed'] as const;
const CONTACT_FIELDS = ['name', 'email', 'phone'] as const;
/** As many proactive greeting rules as the channel's config holds. */
export const MAX_PROACTIVE = 10;

interface PreChatField {
  name: string;
  label?: string;
  type?: string;
  required?: boolean;
}
interface Proactive {
  urlPattern: string;
  afterSeconds: number;
  text: Partial<Record<string, string>>;
}

/**
 * What the settings form of the web chat means: the company's words per language, the pre-chat
 * questions (the contact's name, e-mail and phone, and custom contact fields) and the proactive
 * greetings (up to ten rules). Empty texts are left out, so the widget's own words in that language show.
 */
export function webChatConfig(form: FormData, questions: readonly string[]): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const texts: Record<string, Record<string, string>> = {};
  for (const locale of WIDGET_LOCALES) {
    const own: Record<string, string> = {};
    for (const key of TEXT_KEYS) if (text(`${key}.${locale}`)) own[key] = text(`${key}.${locale}`);
    texts[locale] = own;
  }
  const preChatFields = questions
    .filter((name) => form.get(`ask.${name}`) === 'on')
    .map((name) => ({
      name,
      ...(name === 'email' ? { type: 'email' } : name === 'phone' ? { type: 'tel' } : {}),
      required: form.get(`require.${name}`) === 'on',
    }));
  // Each rule's fields carry its key (`proactive.<key>.urlPattern`); a rule without text is none.
  const proactive = form
    .getAll('proactive.rule')
    .map(String)
    .flatMap((key) => {
      const greeting: Record<string, string> = {};
      for (const locale of WIDGET_LOCALES) if (text(`proactive.${key}.${locale}`)) greeting[locale] = text(`proactive.${key}.${locale}`);
      if (Object.keys(greeting).length === 0) return [];
      return [{ urlPattern: text(`proactive.${key}.urlPattern`) || '*', afterSeconds: Number(text(`proactive.${key}.afterSeconds`) || '10'), text: greeting }];
    })
    .slice(0, MAX_PROACTIVE);
  const groups = form.getAll('hours.group').map(String);
  return { texts, preChatFields, proactive, hours: { groups } };
}

/**
 * The web chat's own settings beside the generic ones: its texts in each language, the pre-chat
 * questions and the proactive greeting.
 */
export function WebChatSettings({ api, channel, onSaved }: { api: AdminApi; channel: ChannelView; onSaved(channel: ChannelView): void }) {
  const { t } = useI18n();
  const id = useId();
  const custom = useLoad(useCallback(() => api.customFields().catch(() => ({ fields: [] })), [api]));
  const groups = useLoad(useCallback(() => api.groups().catch(() => ({ groups: [] })), [api]));
  const hoursGroups = new Set(((channel.config.hours ?? {}) as { groups?: string[] }).groups ?? []);
  const questions = useMemo(() => [...CONTACT_FIELDS, ...(custom.data?.fields.map((field) => field.key) ?? [])], [custom.data]);
  const texts = (channel.config.texts ?? {}) as Record<string, Record<string, string>>;
  const asked = new Map(((channel.config.preChatFields ?? []) as PreChatField[]).map((field) => [field.name, field]));
  // The rules on screen, each under a key of its own so removing one keeps the others' inputs.
  const nextKey = useRef(0);
  const [rules, setRules] = useState<{ key: string; rule?: Proactive }[]>(() =>
    ((channel.config.proactive ?? []) as Proactive[]).slice(0, MAX_PROACTIVE).map((rule) => ({ key: `r${nextKey.current++}`, rule })),
  );
  const addRule = () => setRules((current) => (current.length >= MAX_PROACTIVE ? current : [...current, { key: `r${nextKey.current++}` }]));
  const removeRule = (key: string) => setRules((current) => current.filter((r) => r.key !== key));
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        onSaved(await api.updateChannel(channel.id, { config: webChatConfig(form, questions) }));
      },
      [api, channel.id, onSaved, questions],
    ),
    useCallback((caught: unknown) => describeError(caught, t), [t]),
  );
  const labelOf = (name: string) =>
    name === 'name'
      ? t('webchat.field.name')
      : name === 'email'
        ? t('webchat.field.email')
        : name === 'phone'
          ? t('webchat.field.phone')
          : (custom.data?.fields.find((f) => f.key === name)?.label ?? name);
  return (
    <form className="admin-form section webchat-settings" aria-label={t('webchat.settings')} onSubmit={(event) => void onSubmit(event)}>
      <h3>{t('webchat.settings')}</h3>
      {WIDGET_LOCALES.map((locale) => (
        <fieldset key={locale} className="field">
          <legend>{t('webchat.textsIn', { language: t(`webchat.locale.${locale}`) })}</legend>
          {TEXT_KEYS.map((key) => {
            const inputId = `${id}-${key}-${locale}`;
            return (
              <div className="field" key={key}>
                <label htmlFor={inputId}>{t(`webchat.text.${key}`)}</label>
                {key === 'title' ? (
                  <input id={inputId} name={`${key}.${locale}`} maxLength={80} defaultValue={texts[locale]?.[key] ?? ''} lang={locale} />
                ) : (
                  <textarea id={inputId} name={`${key}.${locale}`} rows={2} maxLength={500} defaultValue={texts[locale]?.[key] ?? ''} lang={locale} />
                )}
              </div>
            );
          })}
        </fieldset>
      ))}
      <fieldset className="field">
        <legend>{t('webchat.preChat')}</legend>
        <small className="hint">{t('webchat.preChatHint')}</small>
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('webchat.question')}</th>
              <th scope="col">{t('webchat.ask')}</th>
              <th scope="col">{t('webchat.required')}</th>
            </tr>
          </thead>
          <tbody>
            {questions.map((name) => (
              <tr key={name}>
                <th scope="row">{labelOf(name)}</th>
                <td>
                  <input type="checkbox" name={`ask.${name}`} defaultChecked={asked.has(name)} aria-label={t('webchat.askField', { field: labelOf(name) })} />
                </td>
                <td>
                  <input
                    type="checkbox"
                    name={`require.${name}`}
                    defaultChecked={asked.get(name)?.required === true}
                    aria-label={t('webchat.requireField', { field: labelOf(name) })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <fieldset className="field">
        <legend>{t('webchat.hours')}</legend>
        <small className="hint">{t('webchat.hoursHint')}</small>
        {groups.data?.groups.map((group) => (
          <label className="check" key={group.id}>
            <input type="checkbox" name="hours.group" value={group.id} defaultChecked={hoursGroups.has(group.id)} /> {group.name}
          </label>
        ))}
      </fieldset>
      <fieldset className="field proactive-rules">
        <legend>{t('webchat.proactive')}</legend>
        <small className="hint">{t('webchat.proactiveHint')}</small>
        {rules.length === 0 && <p className="hint">{t('webchat.proactiveNone')}</p>}
        {rules.map(({ key, rule }, index) => (
          <fieldset className="field proactive-rule" key={key}>
            <legend>{t('webchat.proactiveRule', { n: index + 1 })}</legend>
            <input type="hidden" name="proactive.rule" value={key} />
            <div className="field">
              <label htmlFor={`${id}-${key}-pattern`}>{t('webchat.urlPattern')}</label>
              <input id={`${id}-${key}-pattern`} name={`proactive.${key}.urlPattern`} maxLength={500} defaultValue={rule?.urlPattern ?? '*'} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-${key}-after`}>{t('webchat.afterSeconds')}</label>
              <input
                id={`${id}-${key}-after`}
                name={`proactive.${key}.afterSeconds`}
                type="number"
                min={0}
                max={3600}
                step={1}
                defaultValue={rule?.afterSeconds ?? 10}
              />
            </div>
            {WIDGET_LOCALES.map((locale) => (
              <div className="field" key={locale}>
                <label htmlFor={`${id}-${key}-${locale}`}>{t('webchat.proactiveText', { language: t(`webchat.locale.${locale}`) })}</label>
                <input
                  id={`${id}-${key}-${locale}`}
                  name={`proactive.${key}.${locale}`}
                  maxLength={300}
                  defaultValue={rule?.text[locale] ?? ''}
                  lang={locale}
                />
              </div>
            ))}
            <button type="button" className="secondary" onClick={() => removeRule(key)} aria-label={t('webchat.proactiveRemoveLabel', { n: index + 1 })}>
              {t('webchat.proactiveRemove')}
            </button>
          </fieldset>
        ))}
        <button type="button" className="secondary" onClick={addRule} disabled={rules.length >= MAX_PROACTIVE}>
          {t('webchat.proactiveAdd')}
        </button>
        {rules.length >= MAX_PROACTIVE && <small className="hint">{t('webchat.proactiveMax', { n: MAX_PROACTIVE })}</small>}
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('webchat.save')}
      </button>
    </form>
  );
}
