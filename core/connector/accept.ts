import { ZodError } from 'zod';
import { ValidationError } from '../errors.js';
import type { InboundMessage } from '../domain/messages.js';
import { findUnstorableText, toStorable } from '../domain/storable-text.js';
import type { AnyConnector, ChannelContext } from './define.js';
import { checkInboundMessage, publishInbound } from './publish.js';

/**
 * Provider payloads → checked messages → the bus, with a confirm. Everything is normalized and
 * checked before the first publish, so a malformed payload publishes nothing.
 *
 * Text PostgreSQL cannot store is refused (`refuse`, a 400 naming the field) where a request can
 * be answered; a pull loop (`clean`) cannot refuse what the provider already holds, so such
 * characters become U+FFFD there, logged, rather than the message being skipped.
 */
export async function acceptPayloads(
  connector: AnyConnector,
  ctx: ChannelContext<any>,
  payloads: readonly unknown[],
  unstorable: 'refuse' | 'clean' = 'refuse',
): Promise<InboundMessage[]> {
  const messages: InboundMessage[] = [];
  for (const payload of payloads) {
    let normalized: InboundMessage | InboundMessage[];
    try {
      normalized = await connector.normalize(payload, ctx);
    } catch (error) {
      if (error instanceof ZodError) {
        throw new ValidationError(
          'the payload is invalid',
          error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        );
      }
      throw error;
    }
    for (let message of Array.isArray(normalized) ? normalized : [normalized]) {
      if (unstorable === 'clean' && findUnstorableText(message)) {
        const cleaned = toStorable(message);
        ctx.logger.warn(
          { channelId: ctx.channel.id, externalId: message.externalId, replaced: cleaned.replaced },
          'characters that cannot be stored replaced with U+FFFD',
        );
        message = cleaned.value;
      }
      messages.push(checkInboundMessage(message));
    }
  }
  if (messages.length) await publishInbound(ctx.bus, ctx.inboundShards, ctx.channel, messages);
  return messages;
}
