import { describe, expect, it } from 'vitest';
import { renderTwiml, type TwimlUrls } from './twiml.js';

const urls: TwimlUrls = {
  gather: (menu, timedOut) => `https://sb.example/g?menu=${menu}${timedOut ? '&timeout=1' : ''}`,
  wait: () => 'https://sb.example/wait',
  dialResult: (leg) => `https://sb.example/dial?leg=${leg}`,
  agentAnswered: (leg) => `https://sb.example/answered?leg=${leg}`,
  recording: () => 'https://sb.example/rec',
  voicemail: () => 'https://sb.example/vm',
};

describe('TwiML answers', () => {
  it('asks for one key under the menu prompt and comes back when none is pressed', () => {
    const xml = renderTwiml([{ op: 'answer' }, { op: 'menu', menuId: 'main', prompt: { type: 'text', text: '按 1 <销售> & 2' }, timeoutSeconds: 5 }], {
      urls,
      holdLoopSeconds: 10,
      language: 'zh-CN',
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" numDigits="1" timeout="5" action="https://sb.example/g?menu=main" method="POST">' +
        '<Say language="zh-CN">按 1 &lt;销售&gt; &amp; 2</Say></Gather><Redirect method="POST">https://sb.example/g?menu=main&amp;timeout=1</Redirect></Response>',
    );
  });

  it('rings an agent with a recorded <Dial> whose answer and end come back to Switchboard', () => {
    const xml = renderTwiml(
      [{ op: 'ring', agentId: 'a', phone: { status: 'web_phone', address: 'alice' }, legId: 'L1', timeoutSeconds: 20, callerNumber: '+8613800000001' }],
      { urls, holdLoopSeconds: 10 },
    );
    expect(xml).toContain(
      '<Dial timeout="20" action="https://sb.example/dial?leg=L1" method="POST" callerId="+8613800000001" record="record-from-answer-dual"',
    );
    expect(xml).toContain('<Client url="https://sb.example/answered?leg=L1" method="POST">alice</Client>');
  });

  it('holds a caller with a pause and a redirect back to the waiting loop', () => {
    expect(renderTwiml([{ op: 'hold' }], { urls, holdLoopSeconds: 3 })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="3"/><Redirect method="POST">https://sb.example/wait</Redirect></Response>',
    );
  });
});
