import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageView } from '../api/domain.js';
import type { ConversationView, StoredAttachment } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { conversationOf } from '../realtime/events.js';
import { useFeed, useFeedEvents } from '../realtime/feed.js';
import { useI18n } from '../i18n/i18n.js';
import { mergeMessages, newClientId, replyParts, replyRefusal, updateStatus, type PendingMessage } from './messages.js';
import { applySnapshot } from './store.js';

const typingTimeoutMs = 6000;

/** One open conversation: its messages (older ones on demand), live additions, and sending replies. */
export function useConversation(id: string) {
  const { t } = useI18n();
  const { conversations: api } = useApi();
  const { generation } = useFeed();
  const [conversation, setConversation] = useState<ConversationView>();
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [olderBefore, setOlderBefore] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [error, setError] = useState<unknown>();
  const [customerTyping, setCustomerTyping] = useState(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new feed generation (after a reconnection) reloads what was missed
  useEffect(() => {
    let current = true;
    setError(undefined);
    api.get(id).then(
      (detail) => {
        if (!current) return;
        setConversation(detail.conversation);
        setMessages((known) => (known[0]?.conversationId === id ? mergeMessages(known, detail.messages) : detail.messages));
        setOlderBefore(detail.olderBefore);
      },
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [api, id, generation]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation starts empty
  useEffect(() => {
    setConversation(undefined);
    setMessages([]);
    setPending([]);
    setCustomerTyping(false);
  }, [id]);

  useFeedEvents((event) => {
    if (event.kind === 'contact.updated') {
      const contact = event.payload.contact;
      setConversation((current) =>
        current && current.contact.id === contact.id ? { ...current, contact: { ...current.contact, name: contact.name } } : current,
      );
      return;
    }
    const snapshot = conversationOf(event);
    if (!snapshot || snapshot.id !== id) return;
    setConversation((current) => (current ? applySnapshot(current, snapshot) : current));
    if (event.kind === 'message.created') {
      setMessages((current) => mergeMessages(current, [event.payload.message]));
      if (event.payload.message.direction === 'in') setCustomerTyping(false);
    } else if (event.kind === 'message.updated') {
      setMessages((current) => updateStatus(current, event.payload.messageId, event.payload.status, event.payload.parts, event.payload));
    } else if (event.kind === 'typing' && event.payload.from === 'contact') {
      setCustomerTyping(event.payload.on);
      clearTimeout(typingTimer.current);
      if (event.payload.on) typingTimer.current = setTimeout(() => setCustomerTyping(false), typingTimeoutMs);
    }
  });
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  const deliver = useCallback(
    async (message: PendingMessage) => {
      setPending((current) => [...current.filter((p) => p.clientId !== message.clientId), { ...message, state: 'sending', error: undefined }]);
      try {
        const answer = await api.reply(id, { clientId: message.clientId, parts: message.parts, private: message.private });
        setMessages((current) => mergeMessages(current, [answer.message]));
        setPending((current) => current.filter((p) => p.clientId !== message.clientId));
      } catch (caught) {
        const refusal = replyRefusal(caught);
        const text = refusal ? t(refusal) : caught instanceof Error ? caught.message : String(caught);
        setPending((current) => current.map((p) => (p.clientId === message.clientId ? { ...p, state: 'failed', error: text } : p)));
      }
    },
    [api, id, t],
  );

  const send = useCallback(
    (text: string, isPrivate: boolean, files: StoredAttachment[] = []) => {
      const parts = replyParts(text, files);
      if (parts.length === 0) return;
      void deliver({ clientId: newClientId(), parts, private: isPrivate, state: 'sending', createdAt: new Date().toISOString() });
    },
    [deliver],
  );
  /** Sends a failed reply again with its first client id: the server keeps it to one message. */
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const retry = useCallback(
    (clientId: string) => {
      const message = pendingRef.current.find((p) => p.clientId === clientId);
      if (message) void deliver(message);
    },
    [deliver],
  );

  /** Sends a reply the channel refused again (POST …/retry): it is queued once more. */
  const resend = useCallback(
    async (messageId: string) => {
      try {
        const answer = await api.resend(id, messageId);
        setMessages((current) => updateStatus(current, messageId, answer.message.status));
      } catch (caught) {
        setError(caught);
      }
    },
    [api, id],
  );

  const loadOlder = useCallback(async () => {
    if (!olderBefore) return;
    const detail = await api.get(id, olderBefore);
    setMessages((current) => mergeMessages(current, detail.messages));
    setOlderBefore(detail.olderBefore);
  }, [api, id, olderBefore]);

  return { conversation, setConversation, messages, pending, olderBefore, loadOlder, send, retry, resend, error, customerTyping };
}
