import { randomUUID } from 'node:crypto';
import type { AgentPhone, CallView, Instruction } from '../../../core/connector/call-center-port.js';
import type { ChannelContext } from '../../../core/connector/define.js';
import type { Prompt } from '../../../core/domain/phone-prompts.js';
import type { AriClient } from './client.js';
import type { AsteriskConfig } from './connector.js';

/** What the events loop wants to know about the instructions it had carried out. */
export interface LoopHooks {
  /** A menu prompt is playing (playback id), or none could be played (null): start the key timer after it. */
  menuStarted(call: CallView, menuId: string, playbackId: string | null, timeoutSeconds: number): void;
  /** Hang up once this playback finished. */
  hangupAfter(playbackId: string, channelId: string): void;
  /** Music on hold again once this playback (a place-in-line announcement) finished. */
  musicAfter(playbackId: string, channelId: string): void;
  /** The caller waits: look at the wait again in this many seconds (announcements, the longest wait). */
  waiting(call: CallView, recheckSeconds: number | undefined): void;
}

/**
 * Asterisk's own queue sounds (in every core sounds package): "there are" N "calls waiting ahead
 * of you" — ARI plays a comma-separated list as one playback.
 */
export function positionMedia(position: number): string {
  return position <= 1 ? 'sound:queue-youarenext' : `sound:queue-thereare,number:${position - 1},sound:queue-callswaiting`;
}

/** ARI plays stored sounds only; text prompts need the platform's speech, which ARI does not offer, so they are skipped. */
function media(prompt: Prompt | undefined): { uri: string; language?: string } | undefined {
  if (prompt?.type !== 'sound') return undefined;
  return { uri: /^[a-z]+:/.test(prompt.media) ? prompt.media : `sound:${prompt.media}` };
}

export function dialString(config: Pick<AsteriskConfig, 'sipTechnology' | 'mobileDial'>, phone: AgentPhone): string {
  if (phone.status === 'mobile') return config.mobileDial.replace('{number}', phone.address);
  return phone.address.includes('/') ? phone.address : `${config.sipTechnology}/${phone.address}`;
}

/**
 * Carries out the call center's instructions on Asterisk over ARI. The caller's channel id is the
 * provider call id; an agent's leg is a channel we originate with the leg id as its channel id,
 * which enters the application (args `agent,<call>`) once the agent answers.
 */
export async function performOnAsterisk(
  ctx: ChannelContext<AsteriskConfig>,
  ari: AriClient,
  call: CallView,
  instructions: readonly Instruction[],
  hooks?: LoopHooks,
): Promise<void> {
  const caller = call.providerCallId;
  for (const instruction of instructions) {
    switch (instruction.op) {
      case 'answer':
        await ari.answer(caller);
        break;
      case 'menu': {
        if (instruction.notice && media(instruction.notice)) await ari.play(caller, media(instruction.notice)!.uri, `notice-${randomUUID()}`);
        const sound = media(instruction.prompt);
        const playbackId = sound ? `menu-${randomUUID()}` : null;
        if (sound && playbackId) await ari.play(caller, sound.uri, playbackId);
        hooks?.menuStarted(call, instruction.menuId, playbackId, instruction.timeoutSeconds);
        break;
      }
      case 'hold':
        if (instruction.position !== undefined && hooks) {
          // Music stops for the announcement and comes back when it is over.
          const playbackId = `position-${randomUUID()}`;
          await ari.stopMusicOnHold(caller).catch(() => undefined);
          await ari.play(caller, positionMedia(instruction.position), playbackId);
          hooks.musicAfter(playbackId, caller);
        } else {
          await ari.startMusicOnHold(caller, ctx.config.musicClass);
        }
        hooks?.waiting(call, instruction.recheckSeconds);
        break;
      case 'ring':
        await ari.originate({
          endpoint: dialString(ctx.config, instruction.phone),
          channelId: instruction.legId,
          appArgs: `agent,${caller}`,
          callerId: instruction.callerNumber,
          timeout: instruction.timeoutSeconds,
        });
        break;
      case 'call-agent':
        await ari.originate({
          endpoint: dialString(ctx.config, instruction.phone),
          channelId: instruction.channelId,
          appArgs: 'outbound',
          callerId: call.toNumber,
          timeout: instruction.timeoutSeconds,
        });
        break;
      case 'unhold':
        // Off hold before the next agent is rung; a caller gone meanwhile is nothing to undo.
        await ari.unhold(caller).catch(() => undefined);
        break;
      case 'drop-leg':
        await ari.hangup(instruction.legId);
        break;
      case 'connect': {
        await ari.stopMusicOnHold(caller).catch(() => undefined);
        let bridgeId = call.bridgeId;
        if (!bridgeId) {
          bridgeId = `sb-${call.id}`;
          await ari.createBridge(bridgeId);
          await ctx.platform.calls.bridgeOpened(caller, bridgeId);
          await ari.addToBridge(bridgeId, [caller]);
        }
        await ari.addToBridge(bridgeId, [instruction.legId]);
        if (instruction.record) {
          const name = `call-${call.id}`;
          await ari.recordBridge(bridgeId, name);
          await ctx.platform.calls.recordingStarted(caller, `ari:${name}`);
        }
        break;
      }
      case 'voicemail': {
        const sound = media(instruction.prompt);
        if (sound) await ari.play(caller, sound.uri, `vm-${randomUUID()}`);
        const name = `voicemail-${call.id}`;
        await ari.recordChannel(caller, name, instruction.maxSeconds);
        await ctx.platform.calls.recordingStarted(caller, `ari:${name}`);
        break;
      }
      case 'hangup': {
        const sound = media(instruction.prompt);
        if (sound && hooks) {
          const playbackId = `bye-${randomUUID()}`;
          await ari.play(caller, sound.uri, playbackId);
          hooks.hangupAfter(playbackId, caller);
        } else {
          await ari.hangup(caller);
        }
        break;
      }
    }
  }
}
