import { useCallback, useId, useMemo, useRef, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { ChannelTypeView, ChannelView, ConnectionTestView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import type { Params } from '../i18n/translate.js';
import { ChannelIcon } from '../inbox/ChannelIcon.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import { ListForm, ListPage } from './AdminList.js';
import { ChannelState } from './ChannelState.js';
import { CopyButton } from './CopyButton.js';
import { SchemaFields } from './SchemaForm.js';
import { formSettings, schemaFields, type SchemaField } from './schema-form.js';
import { secretsToRepeat } from './secret-endpoints.js';
import { useLoad } from './useLoad.js';
import { WebChatSettings } from './WebChatSettings.js';

/**
 * The settings form of a channel type: its JSON Schema's fields, secrets marked as the server
 * says, labelled and explained in the console's language where the connector declares it.
 */
function fieldsOf(type: ChannelTypeView | undefined, language: 'en' | 'zh'): SchemaField[] {
  if (!type) return [];
  return schemaFields(type.settings).map((field) => {
    const marked = type.secretFields.includes(field.name) ? { ...field, secret: true } : field;
    const label = type.labels?.[field.name];
    if (!label) return marked;
    const hint = language === 'zh' ? label.hintZh : label.hintEn;
    return { ...marked, label: language === 'zh' ? label.zh : label.en, description: hint ?? marked.description };
  });
}

/** A settings error names the setting by its label ("IMAP password: required"), not its key. */
export function describeSettingsError(caught: unknown, fields: readonly SchemaField[], t: (key: MessageKey, params?: Params) => string): string {
  return describeError(caught, t, (field) => {
    if (!field.startsWith('config.')) return undefined;
    const name = field.slice('config.'.length).split('.')[0] ?? '';
    return fields.find((candidate) => candidate.name === name)?.label ?? name;
  });
}

/** The tag a site puts on its pages to show the web chat. */
export function embedSnippet(channel: Pick<ChannelView, 'webhookUrl' | 'publicKey'>): string | undefined {
  if (!channel.publicKey) return undefined;
  const origin = new URL(channel.webhookUrl).origin;
  return `<script src="${origin}/widget/widget.js" data-key="${channel.publicKey}" async></script>`;
}

/**
 * The company's channels: add one of an installed type through the form its connector's schema
 * draws, turn channels on and off, change their settings (secrets are write-only: a stored one
 * stays unless a new one is typed), copy the webhook URL and, for the web chat, the embed tag.
 */
export function ChannelsPage({ api }: { api: AdminApi }) {
  const { t, language } = useI18n();
  const types = useLoad(useCallback(() => api.channelTypes(), [api]));
  const channels = useLoad(useCallback(() => api.channels(), [api]));
  const [selected, setSelected] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [apiKey, setApiKey] = useState<{ name: string; key: string }>();
  const typeOf = useCallback((type: string) => types.data?.types.find((candidate) => candidate.type === type), [types.data]);
  const current = channels.data?.channels.find((channel) => channel.id === selected);
  const update = channels.update;
  useFeedEvents((event) => {
    if (event.kind !== 'channel.health') return;
    const { channelId, health } = event.payload;
    update((data) => ({ channels: data.channels.map((c) => (c.id === channelId ? { ...c, health } : c)) }));
  });
  const time = (iso: string) => new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB');

  const toggle = async (channel: ChannelView) => {
    setNotice(undefined);
    try {
      const updated = await api.setChannelEnabled(channel.id, !channel.enabled);
      channels.update((data) => ({ channels: data.channels.map((c) => (c.id === updated.id ? updated : c)) }));
      setNotice(t(updated.enabled ? 'channels.enabledNotice' : 'channels.disabledNotice', { name: updated.name }));
    } catch (caught) {
      setNotice(describeError(caught, t));
    }
  };

  return (
    <ListPage
      title={t('admin.channels')}
      loadError={types.error ?? channels.error}
      notice={notice}
      shownOnce={apiKey && { message: t('channels.apiKeyOnce', { name: apiKey.name }), value: apiKey.key }}
      rows={channels.data?.channels}
      scroll
      empty={t('channels.none')}
      columns={[
        {
          header: t('admin.name'),
          cell: (channel) => (
            <>
              <ChannelIcon type={channel.type} name={channel.name} /> {channel.name}
            </>
          ),
        },
        { header: t('channels.type'), cell: (channel) => typeOf(channel.type)?.displayName ?? channel.type },
        {
          header: t('channels.state'),
          cell: (channel) =>
            !channel.enabled ? (
              t('channels.disabled')
            ) : channel.health?.status === 'error' ? (
              <span className="channel-health error">
                <strong>{t('channels.error')}</strong>{' '}
                <small>
                  {t('channels.healthError', { error: channel.health.error ?? '', time: time(channel.health.errorAt ?? channel.health.updatedAt) })}
                </small>
              </span>
            ) : (
              t('channels.enabled')
            ),
        },
      ]}
      currentId={selected}
      nameOf={(channel) => channel.name}
      // A channel's settings open below the list (a panel of its own, not the add form), and a
      // channel is turned off rather than deleted: its conversations stay.
      extraActions={(channel) => (
        <div className="row-actions">
          <button
            type="button"
            className="link"
            onClick={() => setSelected(channel.id === selected ? undefined : channel.id)}
            aria-expanded={channel.id === selected}
          >
            {t('channels.settingsOf', { name: channel.name })}
          </button>
          <button type="button" className="link" onClick={() => void toggle(channel)}>
            {channel.enabled ? t('channels.disable') : t('channels.enable')}
          </button>
        </div>
      )}
    >
      {current && (
        <ChannelSettings
          key={current.id}
          api={api}
          channel={current}
          type={typeOf(current.type)}
          onSaved={(updated) => {
            channels.update((data) => ({ channels: data.channels.map((c) => (c.id === updated.id ? updated : c)) }));
            setNotice(t('channels.saved', { name: updated.name }));
          }}
        />
      )}
      {types.data && (
        <AddChannel
          api={api}
          types={types.data.types}
          onCreated={(channel, key) => {
            channels.update((data) => ({ channels: [...data.channels, channel] }));
            setSelected(channel.id);
            setApiKey(key ? { name: channel.name, key } : undefined);
            setNotice(t('channels.created', { name: channel.name }));
          }}
        />
      )}
    </ListPage>
  );
}

function AddChannel({ api, types, onCreated }: { api: AdminApi; types: ChannelTypeView[]; onCreated(channel: ChannelView, apiKey?: string): void }) {
  const { t, language } = useI18n();
  const [typeName, setTypeName] = useState(types[0]?.type ?? '');
  const type = types.find((candidate) => candidate.type === typeName);
  const fields = useMemo(() => fieldsOf(type, language), [type, language]);
  const describe = useCallback((caught: unknown) => describeSettingsError(caught, fields, t), [fields, t]);
  const formRef = useRef<HTMLFormElement>(null);
  // The settings as typed, not saved: the form's own checks first, so a missing host reads as usual.
  const testUnsaved = useCallback(async () => {
    const form = formRef.current;
    if (!form) throw new UserError(t('channels.testFailed'));
    return api.testUnsavedChannel({ type: typeName, config: formSettings(fields, new FormData(form)) });
  }, [api, typeName, fields, t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const answer = await api.createChannel({ type: typeName, name: formText(form, 'name').trim(), config: formSettings(fields, form) });
        onCreated(answer.channel, answer.apiKey);
      },
      [api, typeName, fields, onCreated],
    ),
    describe,
    { resetOnSuccess: true },
  );
  return (
    <ListForm
      title={t('channels.add')}
      className="section"
      formRef={formRef}
      editing={false}
      addLabel={t('channels.add')}
      busy={busy || !type}
      error={error}
      onSubmit={onSubmit}
    >
      <div className="field">
        <label htmlFor="channel-type">{t('channels.type')}</label>
        <select id="channel-type" value={typeName} onChange={(event) => setTypeName(event.target.value)}>
          {types.map((candidate) => (
            <option key={candidate.type} value={candidate.type}>
              {candidate.displayName}
            </option>
          ))}
        </select>
        {type?.description && <small className="hint">{(language === 'zh' && type.descriptionZh) || type.description}</small>}
      </div>
      <Field label={t('admin.name')} name="name" required maxLength={100} />
      {/* A new set of inputs for another type: none of the last type's values carry over. */}
      <SchemaFields key={typeName} fields={fields} />
      {/* Its own key (not the fields'): a result for the last type does not stay under another. */}
      {type?.connectionTest && <ConnectionTest key={`test-${typeName}`} run={testUnsaved} hint={t('channels.testUnsavedHint')} describe={describe} />}
    </ListForm>
  );
}

function ChannelSettings({
  api,
  channel,
  type,
  onSaved,
}: {
  api: AdminApi;
  channel: ChannelView;
  type: ChannelTypeView | undefined;
  onSaved(channel: ChannelView): void;
}) {
  const { t, language } = useI18n();
  const fields = useMemo(() => fieldsOf(type, language), [type, language]);
  const describe = useCallback((caught: unknown) => describeSettingsError(caught, fields, t), [fields, t]);
  const testSaved = useCallback(() => api.testChannel(channel.id), [api, channel.id]);
  const secretsSet = useMemo(() => Object.fromEntries(Object.entries(channel.secrets).map(([key, value]) => [key, value.set])), [channel.secrets]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const config = formSettings(fields, form);
        const repeat = secretsToRepeat(type?.endpoints ?? {}, channel.config, secretsSet, config);
        if (repeat.length)
          throw new UserError(t('channels.secretAgain', { fields: repeat.map((name) => fields.find((f) => f.name === name)?.label ?? name).join(', ') }));
        const updated = await api.updateChannel(channel.id, { name: formText(form, 'name').trim(), config });
        onSaved(updated);
      },
      [api, channel.id, channel.config, fields, onSaved, secretsSet, t, type],
    ),
    describe,
  );
  const snippet = embedSnippet(channel);
  const id = useId();
  return (
    <section className="section channel-settings" aria-label={t('channels.settingsOf', { name: channel.name })}>
      <h2>{t('channels.settingsOf', { name: channel.name })}</h2>
      <ChannelState api={api} channelId={channel.id} />
      <div className="field">
        <label htmlFor={`${id}-webhook`}>{t('channels.webhookUrl')}</label>
        <div className="copy-row">
          <input id={`${id}-webhook`} className="copy-value" readOnly value={channel.webhookUrl} onFocus={(event) => event.currentTarget.select()} />
          <CopyButton text={channel.webhookUrl} />
        </div>
      </div>
      {snippet && (
        <div className="field">
          <label htmlFor={`${id}-embed`}>{t('channels.embed')}</label>
          <small className="hint">{t('channels.embedHint')}</small>
          <div className="copy-row">
            <textarea id={`${id}-embed`} className="copy-value snippet" readOnly rows={3} value={snippet} onFocus={(event) => event.currentTarget.select()} />
            <CopyButton text={snippet} />
          </div>
        </div>
      )}
      <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('channels.edit')}>
        <Field label={t('admin.name')} name="name" required maxLength={100} defaultValue={channel.name} />
        <SchemaFields fields={fields} values={channel.config} secretsSet={secretsSet} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('form.save')}
        </button>
      </form>
      {type?.connectionTest && <ConnectionTest run={testSaved} hint={t('channels.testHint')} describe={describe} />}
      {channel.type === 'web' && <WebChatSettings api={api} channel={channel} onSaved={onSaved} />}
    </section>
  );
}

/**
 * "Test connection": the server logs in to the provider — with the channel's saved settings (a
 * stored secret included), or with the add form's settings before they are saved — and reports
 * each check in the provider's terms: a refused password, a TLS mismatch, a host that does not
 * resolve. The details are shown as text.
 */
function ConnectionTest({ run: test, hint, describe }: { run(): Promise<ConnectionTestView>; hint: string; describe(caught: unknown): string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestView>();
  const [error, setError] = useState<string>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await test());
    } catch (caught) {
      setError(describe(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset className="section connection-test" aria-label={t('channels.test')}>
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? t('channels.testing') : t('channels.test')}
      </button>{' '}
      <small className="hint">{hint}</small>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <div role="status">
          <p className={result.ok ? 'ok' : 'error'}>{result.ok ? t('channels.testOk') : t('channels.testFailed')}</p>
          <ul className="checks">
            {result.checks.map((check) => (
              <li key={check.name} className={check.ok ? 'ok' : 'error'}>
                <strong>{check.name}</strong> — {check.ok ? t('channels.testCheckOk') : t('channels.testCheckFailed')}: {check.detail}
              </li>
            ))}
          </ul>
        </div>
      )}
    </fieldset>
  );
}
