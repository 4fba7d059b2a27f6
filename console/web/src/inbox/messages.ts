import type { ContentPart, MessageView } from '../api/domain.js';
import { ApiError } from '../api/client.js';
import type { ReplyInput, StoredAttachment } from '../api/types.js';
import type { MessageKey } from '../i18n/en.js';

/** A reply on its way: shown at once, kept with its client id so a retry cannot send it twice. */
/** What a reply may carry: text and stored files (no events, which only customers' channels send). */
export type ReplyPart = NonNullable<ReplyInput['parts']>[number];

export interface PendingMessage {
  clientId: string;
  parts: ReplyPart[];
  private: boolean;
  state: 'sending' | 'failed';
  error?: string;
  createdAt: string;
}

const byId = (a: MessageView, b: MessageView) => {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Adds messages to a conversation's list: one entry per id (the newer copy wins), oldest first. */
export function mergeMessages(current: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  if (incoming.length === 0) return current as MessageView[];
  const all = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) all.set(message.id, message);
  return [...all.values()].sort(byId);
}

/** A message's new status, and its new content when the server changed it (a customer's file copied in). */
export function updateStatus(
  current: readonly MessageView[],
  messageId: string,
  status: MessageView['status'],
  parts?: ContentPart[],
  failure?: { error?: string; errorCode?: string | null },
): MessageView[] {
  return current.map((message) => {
    if (message.id !== messageId) return message;
    // Why it failed stays only while it is failed: a retry clears it.
    const { error: _error, errorCode: _code, ...rest } = message;
    return {
      ...rest,
      status,
      ...(parts ? { parts } : {}),
      ...(status === 'failed' ? { error: failure?.error ?? message.error, errorCode: failure?.errorCode ?? message.errorCode ?? null } : {}),
    };
  });
}

/**
 * 128 random bits in hex. `crypto.randomUUID` exists only in secure contexts (https, localhost);
 * `getRandomValues` everywhere, so a console opened over plain http at a LAN address works too.
 */
export function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A fresh id for one reply; kept across retries of the same reply. */
export function newClientId(random: () => string = randomHex): string {
  return `web-${random()}`;
}

/** The text an agent typed as content parts; blank text is no message. */
/** The parts of a reply: its text, then each uploaded file as an image, audio, video or file part. */
export function replyParts(text: string, files: StoredAttachment[] = []): ReplyPart[] {
  const parts: ReplyPart[] = text.trim() ? [{ type: 'text', text: text.replace(/\s+$/, '') }] : [];
  for (const file of files) {
    const type = file.mimeType.startsWith('image/')
      ? 'image'
      : file.mimeType.startsWith('audio/')
        ? 'audio'
        : file.mimeType.startsWith('video/')
          ? 'video'
          : 'file';
    parts.push({
      type,
      attachmentId: file.id,
      name: file.name,
      mimeType: file.mimeType,
      size: file.size,
      ...(file.duration !== undefined ? { duration: file.duration } : {}),
    });
  }
  return parts;
}

const NOT_TAKEN: Record<string, MessageKey> = {
  agent_unavailable: 'reply.notTaken.unavailable',
  agent_inactive: 'reply.notTaken.unavailable',
  at_capacity: 'reply.notTaken.capacity',
  taken: 'reply.notTaken.taken',
  resolved: 'reply.notTaken.resolved',
};

/** Why a reply to a waiting conversation was refused: sending would take it, and the agent cannot take it now. */
export function replyRefusal(error: unknown): MessageKey | undefined {
  return error instanceof ApiError && error.status === 409 && error.reason ? NOT_TAKEN[error.reason] : undefined;
}
