import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import { callWecom } from './api.js';
import type { WecomKfConfig } from './connector.js';

/**
 * An agent's reply → send_msg on the customer-service account the customer wrote to (the
 * conversation's thread). Our msgid goes with it, so a retried delivery is not sent twice.
 */
export async function sendKfMessage(outbound: OutboundEnvelope, ctx: ChannelContext<WecomKfConfig>): Promise<SendReceipt> {
  const openKfId = outbound.threadKey || ctx.config.openKfId;
  if (!openKfId) throw ConnectorError.permanent('the conversation names no customer-service account to answer from', 'no_account');
  const texts = outbound.parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
  const other = outbound.parts.find((p) => p.type !== 'text' && p.type !== 'event');
  if (other) throw ConnectorError.permanent(`WeCom customer service is set up here to send text only, not ${other.type}`, 'unsupported');
  if (texts.length === 0) throw ConnectorError.permanent('nothing to send', 'empty');
  const msgid = `sb${outbound.messageId}`.replace(/[^0-9a-zA-Z_-]/g, '').slice(0, 32);
  const answer = await callWecom(
    ctx,
    '/cgi-bin/kf/send_msg',
    { touser: outbound.recipient.externalId, open_kfid: openKfId, msgid, msgtype: 'text', text: { content: texts.join('\n\n') } },
    'send_msg',
  );
  return { id: typeof answer.msgid === 'string' ? answer.msgid : msgid };
}
