import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { AgentPhone, Instruction } from '../../../core/connector/call-center-port.js';
import type { Prompt } from '../../../core/domain/phone-prompts.js';

export interface TwimlUrls {
  outbound?(): string;
  status?(): string;
  gather(menuId: string, timedOut?: boolean): string;
  wait(): string;
  dialResult(legId: string): string;
  agentAnswered(legId: string): string;
  recording(): string;
  voicemail(): string;
}

export interface TwimlOptions {
  urls: TwimlUrls;
  holdLoopSeconds: number;
  holdMusicUrl?: string | undefined;
  language?: string | undefined;
}

function say(parent: XMLBuilder, prompt: Prompt | undefined, options: TwimlOptions): void {
  if (!prompt) return;
  if (prompt.type === 'sound') parent.ele('Play').txt(prompt.media);
  else {
    const language = prompt.language ?? options.language;
    parent.ele('Say', language ? { language } : {}).txt(prompt.text);
  }
}

/** How Twilio addresses an agent's phone when it dials it (a `To`): a SIP URI, a client, or a number. */
export function twilioAddress(phone: AgentPhone): string {
  if (phone.status === 'mobile') return phone.address;
  if (phone.status === 'web_phone') return phone.address.startsWith('client:') ? phone.address : `client:${phone.address}`;
  return phone.address.startsWith('sip:') ? phone.address : `sip:${phone.address}`;
}

function dialNoun(dial: XMLBuilder, phone: AgentPhone, answeredUrl: string): void {
  const attributes = { url: answeredUrl, method: 'POST' };
  if (phone.status === 'mobile') dial.ele('Number', attributes).txt(phone.address);
  else if (phone.status === 'web_phone') dial.ele('Client', attributes).txt(phone.address.replace(/^client:/, ''));
  else dial.ele('Sip', attributes).txt(phone.address.startsWith('sip:') ? phone.address : `sip:${phone.address}`);
}

/** A caller's place in line, in the channel's language. */
export function positionPrompt(position: number, language: string | undefined): Prompt {
  if (language?.toLowerCase().startsWith('zh')) return { type: 'text', text: `您当前排在第 ${position} 位，请稍候。`, language };
  return { type: 'text', text: position <= 1 ? 'You are next in line.' : `You are number ${position} in line.` };
}

/** The call center's instructions as one TwiML document (built with an XML library: text is escaped). */
export function renderTwiml(instructions: readonly Instruction[], options: TwimlOptions): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('Response');
  for (const instruction of instructions) {
    switch (instruction.op) {
      case 'menu': {
        const gather = root.ele('Gather', {
          input: 'dtmf',
          numDigits: '1',
          timeout: String(instruction.timeoutSeconds),
          action: options.urls.gather(instruction.menuId),
          method: 'POST',
        });
        say(gather, instruction.notice, options);
        say(gather, instruction.prompt, options);
        // Reached only when no key was pressed in time.
        root.ele('Redirect', { method: 'POST' }).txt(options.urls.gather(instruction.menuId, true));
        break;
      }
      case 'hold':
        say(root, instruction.announce, options);
        if (instruction.position !== undefined) say(root, positionPrompt(instruction.position, options.language), options);
        if (options.holdMusicUrl) root.ele('Play').txt(options.holdMusicUrl);
        else root.ele('Pause', { length: String(options.holdLoopSeconds) });
        root.ele('Redirect', { method: 'POST' }).txt(options.urls.wait());
        break;
      case 'ring': {
        const dial = root.ele('Dial', {
          timeout: String(instruction.timeoutSeconds),
          action: options.urls.dialResult(instruction.legId),
          method: 'POST',
          callerId: instruction.callerNumber,
          record: 'record-from-answer-dual',
          recordingStatusCallback: options.urls.recording(),
          recordingStatusCallbackMethod: 'POST',
        });
        dialNoun(dial, instruction.phone, options.urls.agentAnswered(instruction.legId));
        break;
      }
      case 'voicemail':
        say(root, instruction.prompt, options);
        root.ele('Record', {
          maxLength: String(instruction.maxSeconds),
          playBeep: 'true',
          action: options.urls.voicemail(),
          method: 'POST',
          recordingStatusCallback: options.urls.recording(),
          recordingStatusCallbackMethod: 'POST',
        });
        root.ele('Hangup');
        break;
      case 'hangup':
        say(root, instruction.prompt, options);
        root.ele('Hangup');
        break;
      // Twilio answers by itself, connects the <Dial> itself, and drops a leg when the call leaves it.
      case 'answer':
      case 'call-agent':
      case 'connect':
      case 'drop-leg':
      // The redirect that rings the next agent ends the hold music.
      case 'unhold':
        break;
    }
  }
  return root.end({ prettyPrint: false });
}
