import { ZodError } from 'zod';
import { ValidationError } from '../errors.js';
import type { InboundMessage } from '../domain/messages.js';
import type { AnyConnector, ChannelContext } from './define.js';
import { checkInboundMessage, publishInbound } from './publish.js';

/**
 * Provider payloads → checked messages → the bus, with a confirm. Everything is normalized and
 * checked before the first publish, so a malformed payload publishes nothing.
 */
export async function acceptPayloads(connector: AnyConnector, ctx: ChannelContext<any>, payloads: readonly unknown[]): Promise<InboundMessage[]> {
  const messages: InboundMessage[] = [];
  for (const payload of payloads) {
    let normalized: InboundMessage | InboundMessage[];
    try {
      normalized = await connector.normalize(payload, ctx);
    } catch (error) {
      if (error instanceof ZodError) {
        throw new ValidationError('the payload is invalid', error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
      }
      throw error;
    }
    for (const message of Array.isArray(normalized) ? normalized : [normalized]) messages.push(checkInboundMessage(message));
  }
  if (messages.length) await publishInbound(ctx.bus, ctx.inboundShards, ctx.channel, messages);
  return messages;
}
