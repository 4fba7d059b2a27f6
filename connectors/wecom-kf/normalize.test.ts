import { describe, expect, it } from 'vitest';
import { CUSTOMER, kfSamples, OPEN_KFID, sendFailure } from './fixtures/index.js';
import { normalizeKfMessage, sendFailureOf } from './normalize.js';

describe('WeCom customer-service system events, as sync_msg returns them', () => {
  it('stores enter_session as an event part with its scene, threaded on the account named inside `event`', () => {
    const [message] = normalizeKfMessage(kfSamples.event);
    expect(message).toMatchObject({
      externalId: 'from_msgid_4622416642169452490',
      threadKey: OPEN_KFID,
      sender: { externalId: CUSTOMER },
      parts: [{ type: 'event', name: 'wecom.enter_session', data: { scene: '123', sceneParam: 'abc' } }],
    });
  });

  it('reads msg_send_fail as the failure of the reply it names, not as something the customer said', () => {
    const failure = sendFailure('sb42_0', 10);
    expect(normalizeKfMessage(failure)).toEqual([]);
    expect(sendFailureOf(failure)).toEqual({
      failMsgid: 'sb42_0',
      failType: 10,
      reason: 'WeCom could not deliver the message: the customer refused the message',
    });
    expect(sendFailureOf(kfSamples.event)).toBeUndefined();
  });
});
