import { useEffect, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { ChannelStateView } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';

/** How often the page asks again while it is open: a QR code is replaced within a minute or two. */
const POLL_MS = 3000;

/** The sentence for a reported state, and the values it names. */
export function stateLine(state: ChannelStateView): { key: MessageKey; params: Record<string, string> } {
  return { key: `channels.bot.${state.state}` as MessageKey, params: { account: state.account ?? '' } };
}

/** The login QR code as an image source: an SVG in an <img> runs nothing, whatever it holds. */
export function qrImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * What the channel's loop reports about itself (a bot's login QR code, the account it is logged
 * in as, an error), asked for again every few seconds while the settings are open. Channels
 * whose loop reports nothing show nothing.
 */
export function ChannelState({ api, channelId }: { api: AdminApi; channelId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<ChannelStateView>();
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      api
        .channelState(channelId)
        .then(
          (answer) => current && setState(answer.state === null ? undefined : (answer as ChannelStateView)),
          () => {},
        )
        .finally(() => {
          if (current) timer = setTimeout(load, POLL_MS);
        });
    };
    load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, channelId]);
  if (!state) return null;
  const line = stateLine(state);
  return (
    <div className="field channel-state" role="status" aria-live="polite">
      <strong>{t('channels.bot')}</strong>
      <p data-state={state.state}>{t(line.key, line.params)}</p>
      {state.detail && <small className="hint">{state.detail}</small>}
      {state.qrSvg && <img className="login-qr" src={qrImageSource(state.qrSvg)} alt={t('channels.bot.qr')} width={220} height={220} />}
      <small className="hint">{t('channels.bot.updated', { time: new Date(state.updatedAt).toLocaleString() })}</small>
    </div>
  );
}
