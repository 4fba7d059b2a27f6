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
import type { MessageKey } from './en.js';

/** 简体中文: every feature's Chinese, merged. Every key of en.ts, translated; a missing key is a compile error. */
export const zh: Record<MessageKey, string> = {
  ...app.zh,
  ...account.zh,
  ...inbox.zh,
  ...admin.zh,
  ...channels.zh,
  ...webhooks.zh,
  ...tickets.zh,
  ...crm.zh,
  ...phone.zh,
  ...reports.zh,
  ...knowledge.zh,
  ...assistant.zh,
  ...assistantBot.zh,
};
