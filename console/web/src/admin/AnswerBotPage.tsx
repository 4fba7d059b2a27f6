import { useCallback, useId, useMemo, useState } from 'react';
import { assistantBotApi, type BotSettings } from '../api/assistant-bot.js';
import { useApi } from '../app/api-context.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useLoad } from './useLoad.js';

const words = (text: string) =>
  text
    .split(/[,，]/)
    .map((w) => w.trim())
    .filter(Boolean);

/** The answer bot, per channel: on or off, when it hands over, and when it answers. */
export function AnswerBotPage() {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => assistantBotApi(client), [client]);
  const { data, error } = useLoad(useCallback(() => api.list(), [api]));
  return (
    <>
      <h1>{t('bot.title')}</h1>
      <p>{t('bot.intro')}</p>
      <p className="hint">{t('bot.noModel')}</p>
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      {data && data.channels.length === 0 && <p>{t('bot.none')}</p>}
      {data?.channels.map((channel) => (
        <ChannelBot key={channel.channelId} channel={channel} builtin={data.builtinHandoffWords} save={api.save} />
      ))}
    </>
  );
}

function ChannelBot({ channel, builtin, save }: { channel: BotSettings; builtin: string[]; save: ReturnType<typeof assistantBotApi>['save'] }) {
  const { t } = useI18n();
  const id = useId();
  const [saved, setSaved] = useState(false);
  const [enabled, setEnabled] = useState(channel.enabled);
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        setSaved(false);
        await save(channel.channelId, {
          enabled: form.get('enabled') === 'on',
          maxTurns: Number(formText(form, 'maxTurns')),
          minScore: Number(formText(form, 'minScore')),
          handoffKeywords: words(formText(form, 'keywords')),
          handoffTags: words(formText(form, 'tags')),
          hours: formText(form, 'hours') === 'outside_business_hours' ? 'outside_business_hours' : 'always',
        });
        setSaved(true);
      },
      [save, channel.channelId],
    ),
    describe,
  );
  const title = `${channel.channelName} (${channel.channelType})`;
  return (
    <form className="admin-form section answer-bot" aria-label={title} onSubmit={onSubmit}>
      <h2>
        {title} <span className={`bot-state ${enabled ? 'on' : 'off'}`}>{enabled ? t('bot.on') : t('bot.off')}</span>
      </h2>
      <label className="check">
        <input type="checkbox" name="enabled" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} /> {t('bot.enabled')}
      </label>
      <Field label={t('bot.maxTurns')} name="maxTurns" type="number" min={1} max={20} required defaultValue={String(channel.maxTurns)} />
      <Field
        label={t('bot.minScore')}
        name="minScore"
        type="number"
        min={0}
        max={1}
        step={0.05}
        required
        defaultValue={String(channel.minScore)}
        hint={t('bot.minScoreHint')}
      />
      <Field
        label={t('bot.keywords')}
        name="keywords"
        defaultValue={channel.handoffKeywords.join(', ')}
        hint={t('bot.keywordsHint', { words: builtin.join(' / ') })}
      />
      <Field label={t('bot.tags')} name="tags" defaultValue={channel.handoffTags.join(', ')} hint={t('bot.tagsHint')} />
      <div className="field">
        <label htmlFor={`${id}-hours`}>{t('bot.hours')}</label>
        <select id={`${id}-hours`} name="hours" defaultValue={channel.hours}>
          <option value="always">{t('bot.hours.always')}</option>
          <option value="outside_business_hours">{t('bot.hours.outside')}</option>
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {t('bot.save')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {saved && <p role="status">{t('bot.saved')}</p>}
    </form>
  );
}
