import { z } from 'zod';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { findUnstorableText, toStorable } from '../../core/domain/storable-text.js';
import { ValidationError } from '../../core/errors.js';

const contentPart = z.looseObject({
  type: z.enum(['text', 'image', 'audio', 'video', 'file', 'location', 'link', 'event']),
});

/** Checked on the way in, so one malformed message is refused alone and never fails its batch. */
const envelopeSchema = z.object({
  version: z.literal(1),
  tenantId: z.string().uuid(),
  channelId: z.string().uuid(),
  channelType: z.string().min(1),
  receivedAt: z.string(),
  message: z.looseObject({
    externalId: z.string().min(1).max(512),
    threadKey: z.string().max(512).optional(),
    sender: z.looseObject({
      externalId: z.string().min(1).max(512),
      displayName: z.string().optional(),
      email: z.string().optional(),
      phone: z.string().optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    }),
    parts: z.array(contentPart),
    sentAt: z.string().optional(),
    kind: z.enum(['chat', 'email', 'voice']).optional(),
    subject: z.string().optional(),
    language: z.string().optional(),
    routing: z
      .object({
        hold: z.boolean().optional(),
        groupId: z.uuid().optional(),
        agentId: z.uuid().optional(),
        direct: z.boolean().optional(),
        priority: z.number().int().min(0).max(100).optional(),
        end: z.boolean().optional(),
        leave: z.boolean().optional(),
      })
      .optional(),
  }),
});

export function parseEnvelope(body: unknown): InboundEnvelope {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      'malformed inbound envelope',
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    );
  }
  const envelope = parsed.data as unknown as InboundEnvelope;
  // Entries refuse such text before answering 2xx; a message that still carries it (published
  // by a connector that skips the check) is stored with U+FFFD in its place, not dead-lettered.
  return findUnstorableText(envelope) ? toStorable(envelope).value : envelope;
}

/** The text a rule reads: every text part, then captions, joined. */
export function messageText(envelope: InboundEnvelope): string {
  const texts: string[] = [];
  if (envelope.message.subject) texts.push(envelope.message.subject);
  for (const part of envelope.message.parts) {
    if (part.type === 'text') texts.push(part.text);
    else if ('caption' in part && part.caption) texts.push(part.caption);
  }
  return texts.join('\n');
}
