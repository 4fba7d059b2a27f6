import * as app from './dictionaries/app.js';
import * as account from './dictionaries/account.js';
import * as inbox from './dictionaries/inbox.js';
import * as admin from './dictionaries/admin.js';
import * as channels from './dictionaries/channels.js';
import * as webhooks from './dictionaries/webhooks.js';
import * as tickets from './dictionaries/tickets.js';
import * as crm from './dictionaries/crm.js';
import * as phone from './dictionaries/phone.js';
import * as reports from './dictionaries/reports.js';
import * as knowledge from './dictionaries/knowledge.js';
import * as assistant from './dictionaries/assistant.js';
import * as assistantBot from './dictionaries/assistant-bot.js';

/**
 * English strings: every feature's dictionary (./dictionaries/<feature>.ts), merged. The keys are the
 * dictionary; each feature's zh must translate every one of its keys (the compiler checks).
 */
export const en = {
  ...app.en,
  ...account.en,
  ...inbox.en,
  ...admin.en,
  ...channels.en,
  ...webhooks.en,
  ...tickets.en,
  ...crm.en,
  ...phone.en,
  ...reports.en,
  ...knowledge.en,
  ...assistant.en,
  ...assistantBot.en,
} as const;

export type MessageKey = keyof typeof en;
