import { describe, expect, it } from 'vitest';
import { ratingOfReply, surveyAnsweredByReply } from './survey-reply.js';

const reply = (text: string) => ratingOfReply([{ type: 'text', text }]);

describe('a reply to the satisfaction survey', () => {
  it('is a rating when it is only a digit 1–5 (full-width too), stars, or a satisfaction word', () => {
    expect(['1', ' 5 ', '３', '4!', '5。'].map(reply)).toEqual([1, 5, 3, 4, 5]);
    expect(['⭐', '⭐️⭐️⭐️⭐️', '★★'].map(reply)).toEqual([1, 4, 2]);
    expect(['Very satisfied', 'very  dissatisfied', '满意', '非常满意！', '不满意', '一般'].map(reply)).toEqual([5, 1, 4, 5, 2, 3]);
  });

  it('is an ordinary message otherwise', () => {
    expect(['0', '6', '10', '45', 'ok', 'thanks', '5 stars but late', '⭐⭐⭐⭐⭐⭐', ''].map(reply)).toEqual(Array(9).fill(undefined));
    expect(
      ratingOfReply([
        { type: 'text', text: '5' },
        { type: 'image', attachmentId: 'a' },
      ]),
    ).toBeUndefined();
    expect(ratingOfReply([{ type: 'location', latitude: 1, longitude: 2 }])).toBeUndefined();
  });

  it('is asked for on messaging channels, not in the web chat, e-mail or on the phone', () => {
    expect(['telegram', 'whatsapp', 'wechat-oa', 'wecom-kf', 'weibo', 'x', 'app-api'].every(surveyAnsweredByReply)).toBe(true);
    expect(['web', 'email', 'voice-asterisk', 'voice-twilio', 'voice-cti'].some(surveyAnsweredByReply)).toBe(false);
  });
});
