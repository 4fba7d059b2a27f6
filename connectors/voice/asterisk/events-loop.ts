import type { CallView, Reaction } from '../../../core/connector/call-center-port.js';
import type { PullContext } from '../../../core/connector/define.js';
import { AriClient, type AriEvent } from './client.js';
import { performOnAsterisk, type LoopHooks } from './control.js';
import type { AsteriskConfig } from './connector.js';
import type { OutboundClient } from '../../../core/net/outbound.js';

export function ariClientFor({ config, outbound }: { config: AsteriskConfig; outbound: OutboundClient }): AriClient {
  return new AriClient({ baseUrl: config.ariUrl, user: config.ariUser, password: config.ariPassword, app: config.app, outbound });
}

/**
 * The channel's one events loop (the platform runs one per channel across the cluster): reads
 * the Stasis application's events from ARI's WebSocket, in order, and drives each call through
 * the call center. Reconnects after a lost connection; menu timers live here too.
 */
export async function runAsteriskLoop(ctx: PullContext<AsteriskConfig>): Promise<void> {
  const ari = ariClientFor(ctx);
  const calls = ctx.platform.calls;
  const timers = new Map<string, NodeJS.Timeout>();
  /** A waiting caller's next look at the wait (announcement, longest wait), by call. */
  const waitTimers = new Map<string, NodeJS.Timeout>();
  /** Playback id → what to do when it finishes. */
  const afterPlayback = new Map<string, () => void>();
  let queue: Promise<void> = Promise.resolve();

  const clearTimer = (callId: string) => {
    const timer = timers.get(callId);
    if (timer) clearTimeout(timer);
    timers.delete(callId);
  };
  const clearWaitTimer = (callId: string) => {
    const timer = waitTimers.get(callId);
    if (timer) clearTimeout(timer);
    waitTimers.delete(callId);
  };
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((error) => ctx.logger.warn({ channelId: ctx.channel.id, err: String(error) }, 'ARI event not handled'));
  };

  const hooks: LoopHooks = {
    menuStarted(call: CallView, menuId: string, playbackId: string | null, timeoutSeconds: number) {
      const startTimer = () => {
        clearTimer(call.providerCallId);
        timers.set(
          call.providerCallId,
          setTimeout(() => enqueue(() => react(calls.keyPressed(call.providerCallId, null, { menuId }))), timeoutSeconds * 1000),
        );
      };
      if (playbackId) afterPlayback.set(playbackId, startTimer);
      else startTimer();
    },
    hangupAfter(playbackId: string, channelId: string) {
      afterPlayback.set(playbackId, () => enqueue(() => ari.hangup(channelId)));
    },
    musicAfter(playbackId: string, channelId: string) {
      afterPlayback.set(playbackId, () =>
        enqueue(async () => {
          // Only for a caller still waiting: one rung meanwhile is off hold.
          const call = await calls.callOf(channelId);
          if (call?.state === 'queued') await ari.startMusicOnHold(channelId, ctx.config.musicClass);
        }),
      );
    },
    waiting(call: CallView, recheckSeconds: number | undefined) {
      const seconds = recheckSeconds ?? calls.firstWaitingCheck();
      clearWaitTimer(call.providerCallId);
      if (!seconds) return;
      waitTimers.set(
        call.providerCallId,
        setTimeout(() => {
          waitTimers.delete(call.providerCallId);
          enqueue(async () => {
            const reaction = await calls.checkWaiting(call.providerCallId);
            if (reaction) await react(Promise.resolve(reaction));
          });
        }, seconds * 1000),
      );
    },
  };

  async function react(pending: Promise<Reaction>): Promise<void> {
    const reaction = await pending;
    // The call's state is committed: its signals must reach the bus, so a refusal is retried.
    for (let attempt = 0; reaction.signals.length; attempt++) {
      try {
        await ctx.accept(reaction.signals);
        break;
      } catch (error) {
        if (attempt >= 6 || ctx.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
    if (reaction.call && reaction.instructions.length) await performOnAsterisk(ctx, ari, reaction.call, reaction.instructions, hooks);
  }

  async function handle(event: AriEvent): Promise<void> {
    switch (event.type) {
      case 'StasisStart': {
        const { args, channel } = event as Extract<AriEvent, { type: 'StasisStart' }>;
        if (args[0] === 'agent') return react(calls.agentAnswered(channel.id));
        if (args[0] === 'outbound') return react(calls.outboundAgentAnswered(channel.id));
        return react(calls.callArrived({ providerCallId: channel.id, from: channel.caller.number || 'anonymous', to: channel.dialplan?.exten ?? '' }));
      }
      case 'ChannelDtmfReceived': {
        const { channel, digit } = event as Extract<AriEvent, { type: 'ChannelDtmfReceived' }>;
        clearTimer(channel.id);
        return react(calls.keyPressed(channel.id, digit));
      }
      case 'ChannelDestroyed': {
        const { channel, cause_txt, cause } = event as Extract<AriEvent, { type: 'ChannelDestroyed' }>;
        clearTimer(channel.id);
        clearWaitTimer(channel.id);
        const leg = await calls.agentLegEnded(channel.id, cause_txt || String(cause));
        if (leg.call) return react(Promise.resolve(leg));
        const ended = await calls.callEnded(channel.id, cause_txt || String(cause));
        await react(Promise.resolve(ended));
        // The caller is gone: the talk's bridge goes too, which ends its recording (RecordingFinished).
        if (ended.call?.bridgeId && ended.call.providerCallId === channel.id) await ari.destroyBridge(ended.call.bridgeId).catch(() => undefined);
        return;
      }
      case 'RecordingFinished': {
        const { recording } = event as Extract<AriEvent, { type: 'RecordingFinished' }>;
        return calls.recordingFinished(`ari:${recording.name}`);
      }
      case 'PlaybackFinished': {
        const { playback } = event as Extract<AriEvent, { type: 'PlaybackFinished' }>;
        const then = afterPlayback.get(playback.id);
        afterPlayback.delete(playback.id);
        then?.();
        return;
      }
    }
  }

  while (!ctx.signal.aborted) {
    try {
      const { closed } = await ari.connectEvents((event) => enqueue(() => handle(event)), ctx.signal);
      await closed;
    } catch (error) {
      ctx.logger.warn({ channelId: ctx.channel.id, err: String(error) }, 'ARI events connection failed');
    }
    if (ctx.signal.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  for (const timer of [...timers.values(), ...waitTimers.values()]) clearTimeout(timer);
  await queue;
}
