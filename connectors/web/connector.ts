import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { normalizeWidgetMessage } from './normalize.js';
import { pushToVisitor } from './send.js';
import { createWidgetApp } from './widget-app.js';

const preChatField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label: z.string().min(1).max(80),
  type: z.enum(['text', 'email', 'tel']).default('text'),
  required: z.boolean().default(false),
});

/** The web chat: a `<script>` tag with the channel's public key puts a chat button on any site. */
export const webConfig = z.object({
  title: z.string().min(1).max(80).default('Chat with us'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#2563eb'),
  greeting: z.string().max(500).optional(),
  preChatFields: z.array(preChatField).max(8).default([]),
  /** Signs `user id` on the site's backend so the visitor is recognised across devices. */
  identitySecret: secret(z.string().min(16).optional().describe('HMAC-SHA256 key your backend signs user ids with')),
  identityMode: z.enum(['optional', 'mandatory']).default('optional').describe('mandatory: only identified visitors may chat'),
  allowedOrigins: z.array(z.url()).default([]).describe('Sites allowed to embed the chat; empty allows any'),
  maxUploadBytes: z.number().int().min(1024).max(50 * 1024 * 1024).default(5 * 1024 * 1024),
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
  capabilities: {
    receive: ['text', 'image', 'audio', 'file', 'event'],
    send: ['text', 'image', 'audio', 'file', 'link'],
    typing: true,
    readReceipts: true,
  },
  config: webConfig,
  publicKey: true,
  normalize: normalizeWidgetMessage,
  send: pushToVisitor,
  mounts: [{ prefix: '/widget', create: createWidgetApp }],
});
