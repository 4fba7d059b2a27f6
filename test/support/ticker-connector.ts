import { z } from 'zod';
import { defineConnector } from '../../core/connector/define.js';

/** A pull connector for tests: every 50 ms it writes its holder and a tick into its cursor, and publishes one message. */
export const ticker = defineConnector({
  type: 'ticker',
  displayName: 'Ticker',
  capabilities: { receive: ['text'], send: [] },
  config: z.object({}),
  inbound: {
    kind: 'pull',
    async run(ctx) {
      let tick = Number((await ctx.cursor.load()).tick ?? 0);
      while (!ctx.signal.aborted) {
        tick++;
        await ctx.accept([{ tick }]);
        await ctx.cursor.save({ tick, by: process.env.TICKER_NAME ?? 'this process' });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  },
  normalize: (payload) => {
    const { tick } = z.object({ tick: z.number() }).parse(payload);
    return { externalId: `tick-${tick}`, sender: { externalId: 'clock' }, parts: [{ type: 'text', text: `tick ${tick}` }] };
  },
  send: async () => 'never',
});
