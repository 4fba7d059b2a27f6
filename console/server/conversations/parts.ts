import { z } from 'zod';
import type { ContentPart } from '../../../core/domain/messages.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

const media = z
  .object({
    type: z.enum(['image', 'audio', 'video', 'file']),
    attachmentId: z.string().min(1).max(200).optional(),
    url: httpUrl.optional(),
    name: z.string().max(255).optional(),
    mimeType: z.string().max(255).optional(),
    size: z.number().int().min(0).optional(),
    caption: z.string().max(2000).optional(),
    /** Seconds; a stored recording's own length replaces it. */
    duration: z.number().min(0).max(86_400).optional(),
  })
  .refine((p) => p.attachmentId !== undefined || p.url !== undefined, { message: 'needs an attachmentId or a url', path: ['url'] });

/** What an agent may send: text, attachments, a location or a link (events are the channels' own). */
export const replyPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(20_000), format: z.enum(['plain', 'html', 'markdown']).optional() }),
  media,
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    label: z.string().max(500).optional(),
  }),
  z.object({ type: z.literal('link'), url: httpUrl, title: z.string().max(500).optional(), description: z.string().max(2000).optional() }),
]);

export const toContentParts = (parts: z.infer<typeof replyPart>[]): ContentPart[] => parts as ContentPart[];
