import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import { botOf } from './bot.js';
import type { WechatyConfig } from './connector.js';

type Ctx = ChannelContext<WechatyConfig>;

/** A file from the attachment store as a FileBox every puppet can carry (base64, not a stream). */
async function boxOf(ctx: Ctx, part: { type: string; attachmentId?: string }) {
  if (!part.attachmentId) throw ConnectorError.permanent(`the ${part.type} has no stored file to send`, 'no_file');
  const { file, bytes } = await ctx.attachments.read(part.attachmentId);
  const { FileBox } = await import('file-box');
  return FileBox.fromBase64(bytes.toString('base64'), file.name);
}

/**
 * An agent's reply through the channel's logged-in bot: to the customer, or to the room the
 * conversation is in (mentioning the customer). The bot runs in one process of the cluster; a
 * process without it leaves the reply to a retry, which the bus may hand to the right process.
 */
export async function sendThroughBot(outbound: OutboundEnvelope, ctx: Ctx): Promise<SendReceipt> {
  const bot = botOf(ctx.channel.id);
  if (!bot?.isLoggedIn)
    throw ConnectorError.retryable(
      'the WeChat bot is not logged in here (scan its QR code on the channel page, or it runs in another process)',
      'not_logged_in',
    );
  const contact = await bot.Contact.find({ id: outbound.recipient.externalId });
  if (!contact) throw ConnectorError.permanent('the bot does not know this WeChat user', 'unknown_recipient');
  const roomId = outbound.threadKey.startsWith('room:') ? outbound.threadKey.slice(5) : undefined;
  const room = roomId ? await bot.Room.find({ id: roomId }) : undefined;
  if (roomId && !room) throw ConnectorError.permanent('the bot is no longer in this group', 'unknown_room');
  const parts = outbound.parts.filter((p) => p.type !== 'event');
  if (parts.length === 0) throw ConnectorError.permanent('nothing to send', 'empty');
  let id = '';
  for (const part of parts) {
    let sent: unknown;
    try {
      if (part.type === 'text') sent = room ? await room.say(part.text, contact) : await contact.say(part.text);
      else if (part.type === 'image' || part.type === 'file') {
        const box = await boxOf(ctx, part);
        sent = room ? await room.say(box) : await contact.say(box);
      } else throw ConnectorError.permanent(`the WeChat bot sends text, images and files, not ${part.type}`, 'unsupported');
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      throw ConnectorError.retryable(`the puppet could not send: ${error instanceof Error ? error.message : String(error)}`, 'puppet');
    }
    // Puppets that cannot say which message they sent get our own id.
    id = sent && typeof (sent as { id?: unknown }).id === 'string' ? (sent as { id: string }).id : `sb${outbound.messageId}`;
  }
  return { id };
}
