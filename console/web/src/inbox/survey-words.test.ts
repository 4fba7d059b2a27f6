import { describe, expect, it } from 'vitest';
import type { MessageKey } from '../i18n/en.js';
import { translate, type Language, type Params } from '../i18n/translate.js';
import { previewLine } from './preview.js';
import { satisfactionSentence } from './SatisfactionBadge.js';

const t = (language: Language) => (key: MessageKey, params?: Params) => translate(language, key, params);

describe('the survey, as the agents read it', () => {
  it('says the survey was sent, in the list too, never its token link', () => {
    const survey = {
      direction: 'out' as const,
      senderType: 'system',
      parts: [{ type: 'text' as const, text: 'How did we do? https://x.example/survey/eyJ0b2tlbiI' }],
      createdAt: '2026-12-07T10:00:00Z',
      about: 'survey' as const,
    };
    expect(previewLine(survey, t('en'))).toBe('Survey sent to the customer');
    expect(previewLine(survey, t('zh'))).toBe('已向客户发送满意度评价');
  });

  it('reads the answer as a sentence, with the comment quoted', () => {
    expect(satisfactionSentence({ rating: 4, comment: 'Quick and kind' }, t('en'))).toBe('The customer rated 4 of 5: “Quick and kind”');
    expect(satisfactionSentence({ rating: 2, comment: ' ' }, t('en'))).toBe('The customer rated 2 of 5');
    expect(satisfactionSentence({ rating: 5, comment: '很好' }, t('zh'))).toBe('客户评分 5 分（满分 5 分）：“很好”');
  });
});
