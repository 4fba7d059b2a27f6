import { useCallback } from 'react';
import { useLoad } from '../admin/useLoad.js';
import type { Schemas } from '../api/schema.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { describeError } from '../pages/describe-error.js';
import { PeriodFields } from './PeriodFields.js';
import type { ReportFilters } from './reports-api.js';

type BotReport = Schemas['AssistantReport'];
type HandoffReason = BotReport['bot']['handoffReasons'][number]['reason'];

const REASON_KEYS: Record<HandoffReason, MessageKey> = {
  'customer asked': 'botReport.reason.customerAsked',
  'max turns': 'botReport.reason.maxTurns',
  'no answer': 'botReport.reason.noAnswer',
  'low confidence': 'botReport.reason.lowConfidence',
  'model error': 'botReport.reason.modelError',
  'no answer in time': 'botReport.reason.noAnswerInTime',
  'agent took over': 'botReport.reason.agentTookOver',
  'bot turned off': 'botReport.reason.botTurnedOff',
  unknown: 'botReport.reason.unknown',
};

/** The features that call the model (assistant/model/gateway.ts ModelFeature), in words. */
const FEATURE_KEYS: Record<string, MessageKey> = {
  bot: 'botReport.feature.bot',
  'copilot.suggest': 'botReport.feature.suggest',
  'copilot.summarize': 'botReport.feature.summarize',
  'copilot.rewrite': 'botReport.feature.rewrite',
  'copilot.translate': 'botReport.feature.translate',
  automation: 'botReport.feature.automation',
  summary: 'botReport.feature.summary',
  'settings.test': 'botReport.feature.settingsTest',
};

const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 1000) / 10}%`);
const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
const count = (value: number) => value.toLocaleString();

/**
 * The answer bot and the model over the reports' days: what the bot took and resolved alone (its
 * deflection rate), why it handed over, how customers rated the conversations it resolved, and the
 * model's calls, tokens, latency and errors by feature.
 */
export function BotReportView({ filters, onFilters }: { filters: ReportFilters; onFilters(next: ReportFilters): void }) {
  const { t } = useI18n();
  const { client } = useApi();
  const load = useCallback(
    () => client.get<BotReport>('/assistant/reports', { from: filters.from, to: filters.to, timeZone: filters.timeZone }),
    [client, filters.from, filters.to, filters.timeZone],
  );
  const { data, error } = useLoad(load);
  const set = (patch: Partial<ReportFilters>) => onFilters({ ...filters, ...patch });
  const card = (key: MessageKey, value: string, figure: string) => (
    <div key={figure} className="report-card" data-figure={figure}>
      <dt>{t(key)}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <>
      <h1>{t('reports.bot')}</h1>
      <form className="report-filters" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
        <PeriodFields filters={filters} set={set} />
      </form>
      {error !== undefined && (
        <p role="alert" className="error">
          {describeError(error, t)}
        </p>
      )}
      {data && (
        <>
          <section aria-label={t('botReport.conversations')}>
            <h2>{t('botReport.conversations')}</h2>
            <dl className="report-cards">
              {card('botReport.taken', count(data.bot.taken), 'taken')}
              {card('botReport.resolved', count(data.bot.resolved), 'resolved')}
              {card('botReport.deflectionRate', percent(data.bot.deflectionRate), 'deflectionRate')}
              {card('botReport.handedOver', count(data.bot.handedOver), 'handedOver')}
              {card('botReport.active', count(data.bot.active), 'active')}
            </dl>
            <h3>{t('botReport.reasons')}</h3>
            {data.bot.handoffReasons.length === 0 ? (
              <p className="hint">{t('botReport.noHandovers')}</p>
            ) : (
              <table className="admin-table" aria-label={t('botReport.reasons')}>
                <thead>
                  <tr>
                    <th scope="col">{t('botReport.reason')}</th>
                    <th scope="col">{t('botReport.count')}</th>
                    <th scope="col">{t('botReport.share')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.bot.handoffReasons.map((r) => (
                    <tr key={r.reason} data-reason={r.reason}>
                      <td>{t(REASON_KEYS[r.reason])}</td>
                      <td>{count(r.count)}</td>
                      <td>{percent(data.bot.handedOver ? r.count / data.bot.handedOver : null)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-label={t('botReport.satisfaction')}>
            <h2>{t('botReport.satisfaction')}</h2>
            <p className="hint">{t('botReport.satisfactionHint')}</p>
            <dl className="report-cards">
              {card('botReport.answers', count(data.satisfaction.answers), 'answers')}
              {card('botReport.average', data.satisfaction.average === null ? '–' : `${data.satisfaction.average} / 5`, 'average')}
              {card('botReport.satisfiedRate', percent(data.satisfaction.satisfiedRate), 'satisfiedRate')}
            </dl>
          </section>
          <section aria-label={t('botReport.model')}>
            <h2>{t('botReport.model')}</h2>
            <dl className="report-cards">
              {card('botReport.calls', count(data.model.calls), 'calls')}
              {card('botReport.promptTokens', count(data.model.promptTokens), 'promptTokens')}
              {card('botReport.completionTokens', count(data.model.completionTokens), 'completionTokens')}
              {card('botReport.median', ms(data.model.latency.medianMs), 'medianMs')}
              {card('botReport.p95', ms(data.model.latency.p95Ms), 'p95Ms')}
              {card('botReport.errors', count(data.model.errors), 'errors')}
            </dl>
            {data.model.byFeature.length > 0 && (
              <div className="table-scroll">
                <table className="admin-table" aria-label={t('botReport.byFeature')}>
                  <thead>
                    <tr>
                      {(
                        [
                          'botReport.feature',
                          'botReport.calls',
                          'botReport.promptTokens',
                          'botReport.completionTokens',
                          'botReport.median',
                          'botReport.p95',
                          'botReport.errors',
                        ] as const
                      ).map((key) => (
                        <th key={key} scope="col">
                          {t(key)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.model.byFeature.map((f) => (
                      <tr key={f.feature}>
                        <td>{FEATURE_KEYS[f.feature] ? t(FEATURE_KEYS[f.feature]!) : f.feature}</td>
                        <td>{count(f.calls)}</td>
                        <td>{count(f.promptTokens)}</td>
                        <td>{count(f.completionTokens)}</td>
                        <td>{ms(f.latency.medianMs)}</td>
                        <td>{ms(f.latency.p95Ms)}</td>
                        <td>
                          {count(f.errors)}
                          {f.errors > 0 &&
                            ` (${Object.entries(f.errorsByCode)
                              .map(([code, n]) => `${code}: ${n}`)
                              .join(', ')})`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
