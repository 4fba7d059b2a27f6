import type { ChannelContext } from '../../../core/connector/define.js';
import { checkInboundMessage, publishInbound } from '../../../core/connector/publish.js';
import { normalizeCallSignal, type CallSignal } from '../../../core/domain/call-signals.js';

/** Publishes call signals raised outside a webhook or the events loop (a transfer the router made). */
export async function publishSignals(ctx: ChannelContext<unknown>, signals: readonly CallSignal[]): Promise<void> {
  if (signals.length === 0) return;
  await publishInbound(
    ctx.bus,
    ctx.inboundShards,
    ctx.channel,
    signals.map((s) => checkInboundMessage(normalizeCallSignal(s))),
  );
}
