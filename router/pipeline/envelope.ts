import { inboundEnvelopeSchema, type InboundEnvelope } from '../../core/domain/messages.js';
import { findUnstorableText, toStorable } from '../../core/domain/storable-text.js';
import { ValidationError } from '../../core/errors.js';

/**
 * Checked on the way in with the schema every connector's messages are checked with before they
 * are published, so one malformed message (from a connector that skips the check) is refused
 * alone and never fails its batch. The envelope is passed on as it came: fields the schema does
 * not name are kept.
 */
export function parseEnvelope(body: unknown): InboundEnvelope {
  const parsed = inboundEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      'malformed inbound envelope',
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
    );
  }
  const envelope = body as InboundEnvelope;
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
