import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { normalizeWidgetMessage } from './normalize.js';
import { pushToVisitor } from './send.js';
import { createWidgetApp } from './widget-app.js';
import { webLabels } from './labels.js';

/**
 * A question of the pre-chat form: `name`, `email` and `phone` fill the contact's own fields, any
 * other name is the key of one of the company's custom contact fields (its label and type come
 * from the CRM's definition). Without a label the widget asks in the visitor's language.
 */
const preChatField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label: z.string().min(1).max(80).optional(),
  type: z.enum(['text', 'email', 'tel']).default('text'),
  required: z.boolean().default(false),
});

/** The languages the widget speaks. */
export const WIDGET_LOCALES = ['en', 'zh-CN', 'zh-TW'] as const;
export type WidgetLocale = (typeof WIDGET_LOCALES)[number];

/** A company's own words in one language; what is left out falls back to the widget's own text. */
const localTexts = z.object({
  title: z.string().trim().max(80).optional(),
  greeting: z.string().trim().max(500).optional(),
  /** Above the leave-a-message form, when nobody can answer (no agent online, or outside business hours). */
  offline: z.string().trim().max(500).optional(),
  /** When an agent has closed the conversation. */
  closed: z.string().trim().max(500).optional(),
});

/** A greeting shown beside the launcher after `afterSeconds` on a page whose address matches `urlPattern` (`*` any characters). */
const proactiveGreeting = z.object({
  urlPattern: z.string().trim().min(1).max(500).default('*'),
  afterSeconds: z.number().int().min(0).max(3600).default(10),
  text: z.partialRecord(z.enum(WIDGET_LOCALES), z.string().trim().min(1).max(300)),
});

/** The web chat: a `<script>` tag with the channel's public key puts a chat button on any site. */
export const webConfig = z.object({
  title: z.string().min(1).max(80).default('Chat with us'),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#2563eb'),
  greeting: z.string().max(500).optional(),
  locale: z.enum(WIDGET_LOCALES).default('en').describe("For visitors whose browser asks for none of the widget's languages"),
  texts: z.partialRecord(z.enum(WIDGET_LOCALES), localTexts).default({}),
  preChatMode: z.enum(['off', 'optional', 'required']).default('optional').describe('optional: the visitor may skip the form'),
  preChatFields: z.array(preChatField).max(8).default([]),
  sendTranscript: z.boolean().default(false).describe('E-mail the conversation to the address given in the pre-chat form when it is resolved'),
  proactive: z.array(proactiveGreeting).max(10).default([]),
  /** Groups whose business hours decide whether the chat is open; none: the company's default group. */
  hours: z.object({ groups: z.array(z.uuid()).max(20).default([]) }).default({ groups: [] }),
  /** Signs `user id` on the site's backend so the visitor is recognised across devices. */
  identitySecret: secret(z.string().min(16).optional().describe('HMAC-SHA256 key your backend signs user ids with')),
  identityMode: z.enum(['optional', 'mandatory']).default('optional').describe('mandatory: only identified visitors may chat'),
  allowedOrigins: z.array(z.url()).default([]).describe('Sites allowed to embed the chat; empty allows any'),
  maxUploadBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  allowedMimeTypes: z.array(z.string()).default(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']),
  voiceMessages: z.boolean().default(true).describe('Visitors may hold a button to record a voice message (up to 60 s)'),
});

export type WebConfig = z.infer<typeof webConfig>;

export default defineConnector({
  type: 'web',
  displayName: 'Web chat',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#2557d6"/><circle cx="12" cy="12" r="6.5" stroke="#fff" stroke-width="1.6" fill="none"/><path d="M5.5 12h13M12 5.5c2.2 2 2.2 11 0 13M12 5.5c-2.2 2-2.2 11 0 13" stroke="#fff" stroke-width="1.3" fill="none"/></svg>',
    name: { en: 'Web chat', zh: '网页聊天' },
  },
  description: 'A chat button on your website: one script tag, real time, files, images and voice messages.',
  descriptionZh: '网站上的聊天按钮：一个 script 标签，实时收发，支持文件、图片和语音消息。',
  capabilities: {
    receive: ['text', 'image', 'audio', 'file', 'event'],
    send: ['text', 'image', 'audio', 'file', 'link'],
    typing: true,
    readReceipts: true,
  },
  config: webConfig,
  labels: webLabels,
  publicKey: true,

  normalize: normalizeWidgetMessage,
  send: pushToVisitor,
  mounts: [{ prefix: '/widget', create: createWidgetApp }],
});
