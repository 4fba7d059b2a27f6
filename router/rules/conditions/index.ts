import { z } from 'zod';
import type { RoutingFacts } from '../facts.js';
import { businessHoursCondition, matchesBusinessHours } from './business-hours.js';
import { channelCondition, matchesChannel } from './channel.js';
import { contactAttributeCondition, matchesContactAttribute } from './contact-attribute.js';
import { contactTagCondition, matchesContactTag } from './contact-tag.js';
import { eventCondition, matchesEvent } from './event.js';
import { keywordCondition, matchesKeyword } from './keyword.js';
import { languageCondition, matchesLanguage } from './language.js';

export const conditionSchema = z.union([
  channelCondition,
  contactAttributeCondition,
  contactTagCondition,
  keywordCondition,
  languageCondition,
  businessHoursCondition,
  eventCondition,
]);

export type Condition = z.infer<typeof conditionSchema>;

export function matchesCondition(condition: Condition, facts: RoutingFacts): boolean {
  switch (condition.type) {
    case 'channel':
      return matchesChannel(condition, facts);
    case 'contact_attribute':
      return matchesContactAttribute(condition, facts);
    case 'contact_tag':
      return matchesContactTag(condition, facts);
    case 'keyword':
      return matchesKeyword(condition, facts);
    case 'language':
      return matchesLanguage(condition, facts);
    case 'business_hours':
      return matchesBusinessHours(condition, facts);
    case 'event':
      return matchesEvent(condition, facts);
  }
}
