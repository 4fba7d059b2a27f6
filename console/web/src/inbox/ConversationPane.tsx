import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import type { ConversationView, GroupView, ScheduledMessage } from '../api/types.js';
import { attachmentUrl } from '../api/conversations.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeed } from '../realtime/feed.js';
import { describeError } from '../pages/describe-error.js';
import { ChannelIcon } from './ChannelIcon.js';
import { ConversationActions } from './ConversationActions.js';
import { applySnapshot } from './store.js';
import { canSee, type Viewer } from './tabs.js';
import { CustomerPanel } from './CustomerPanel.js';
import { SatisfactionBadge, useSatisfaction } from './SatisfactionBadge.js';
import { MessageList } from './MessageList.js';
import { ReplyBox } from './ReplyBox.js';
import { MacroMenu } from './MacroMenu.js';
import { CopilotMenu } from './CopilotMenu.js';
import { useCopilot } from './useCopilot.js';
import { ScheduledMessages } from './ScheduledMessages.js';
import { useConversation } from './useConversation.js';
import { shownContactName } from '../lib/contact-name.js';

/** One conversation: who and where, the messages, the reply box, and the customer beside it. */
export function ConversationPane({ id, agentName }: { id: string; agentName: (id: string | null) => string }) {
  const { t, language } = useI18n();
  const { client, conversations, contacts } = useApi();
  const session = useSignedIn();
  const view = useConversation(id);
  const copilot = useCopilot(client);
  const { sendTyping } = useFeed();
  const { conversation } = view;
  const satisfaction = useSatisfaction(id);
  const canReply = hasPermission(session, 'conversations.reply');
  const [scheduled, setScheduled] = useState<ScheduledMessage[]>([]);
  const reloadScheduled = useCallback(() => {
    if (canReply)
      conversations.scheduled(id).then(
        (answer) => setScheduled(answer.scheduled),
        () => setScheduled([]),
      );
  }, [canReply, conversations, id]);
  // A scheduled message leaves the list when it is sent (or not sent): each new message asks again.
  const messageCount = view.messages.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: messageCount is the trigger
  useEffect(() => reloadScheduled(), [reloadScheduled, messageCount]);
  const viewer = useMemo<Viewer>(
    () => ({ userId: session.user.id, groupIds: session.user.groupIds, permissions: session.permissions }),
    [session.user.id, session.user.groupIds, session.permissions],
  );

  if (view.error && !conversation) {
    return (
      <section className="conversation-pane">
        <p role="alert" className="error">
          {describeError(view.error, t)}
        </p>
      </section>
    );
  }
  if (!conversation) return <section className="conversation-pane" aria-busy="true" />;
  // Transferred or reassigned out of this agent's view: say where it went rather than fail on the next click.
  if (!canSee(viewer, conversation)) return <LeftView conversation={conversation} agentName={agentName} />;
  const contactName = shownContactName(conversation.contact.name, t);
  return (
    <>
      <section className="conversation-pane" aria-label={t('conversation.with', { name: contactName })}>
        <header className="conversation-header">
          <Link href="/" className="back-link">
            <span aria-hidden="true">‹ </span>
            {t('nav.inbox')}
          </Link>
          <ChannelIcon type={conversation.channel.type} name={conversation.channel.name} />
          <h2>{contactName}</h2>
          <span className={`status-badge ${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
        </header>
        <SatisfactionBadge answer={satisfaction} />
        <ConversationActions
          conversation={conversation}
          agentName={agentName}
          onChanged={(snapshot) => view.setConversation((current) => (current ? applySnapshot(current, snapshot) : current))}
        />
        <MessageList
          messages={view.messages}
          pending={view.pending}
          contactName={contactName}
          agentName={agentName}
          satisfaction={satisfaction}
          attachmentUrl={attachmentUrl(client)}
          onRetry={view.retry}
          onResend={(messageId) => void view.resend(messageId)}
          onLoadOlder={view.olderBefore ? () => void view.loadOlder() : undefined}
          translate={copilot.configured ? async (text) => (await copilot.api.translate(text, language === 'zh' ? 'zh' : 'en')).text : undefined}
        />
        {view.customerTyping && (
          <p className="typing hint" role="status">
            {t('conversation.typing', { name: contactName })}
          </p>
        )}
        <ScheduledMessages
          scheduled={scheduled}
          onCancel={(scheduledId) => void conversations.cancelScheduled(conversation.id, scheduledId).finally(reloadScheduled)}
        />
        {canReply && (
          <ReplyBox
            onSchedule={async (text, sendAt) => {
              await conversations.schedule(conversation.id, text, sendAt.toISOString());
              reloadScheduled();
            }}
            tools={
              <MacroMenu
                conversationId={conversation.id}
                onChanged={(snapshot) => view.setConversation((current) => (current ? applySnapshot(current, snapshot) : current))}
              />
            }
            assist={
              copilot.configured
                ? (draft) => <CopilotMenu api={copilot.api} conversationId={conversation.id} draft={draft} onNote={(text) => view.send(text, true, [])} />
                : undefined
            }
            onSend={view.send}
            onUpload={(file) => conversations.upload(conversation.id, file, file.name || 'file')}
            onUploadVoice={(recording, name, seconds) => conversations.uploadVoice(conversation.id, recording, name, seconds)}
            onTyping={(on) => sendTyping(conversation.id, on)}
            cannedValues={{ 'contact.name': conversation.contact.name, 'agent.name': session.user.name, 'company.name': session.tenant.name }}
            loadCannedValues={
              hasPermission(session, 'contacts.view')
                ? async () => {
                    const contact = await contacts.get(conversation.contact.id);
                    return { 'contact.name': contact.name, 'contact.email': contact.email, 'contact.phone': contact.phone };
                  }
                : undefined
            }
            hint={!conversation.assigneeId && (conversation.status === 'queued' || conversation.status === 'open') ? t('reply.takes') : undefined}
          />
        )}
      </section>
      {hasPermission(session, 'contacts.view') && <CustomerPanel contactId={conversation.contact.id} currentConversationId={conversation.id} />}
    </>
  );
}

/** A conversation that left the agent's view while open: where it went, and the way back to the list. */
function LeftView({ conversation, agentName }: { conversation: ConversationView; agentName: (id: string | null) => string }) {
  const { t } = useI18n();
  const { conversations } = useApi();
  const [groups, setGroups] = useState<GroupView[]>();
  useEffect(() => {
    if (!conversation.assigneeId && conversation.groupId)
      conversations.groups().then(
        (g) => setGroups(g.groups),
        () => setGroups([]),
      );
  }, [conversations, conversation.assigneeId, conversation.groupId]);
  const byGroup = !conversation.assigneeId && conversation.groupId;
  if (byGroup && groups === undefined) return <section className="conversation-pane" aria-busy="true" />;
  const target = conversation.assigneeId ? agentName(conversation.assigneeId) : groups?.find((g) => g.id === conversation.groupId)?.name;
  return (
    <section className="conversation-pane left-pane">
      <p role="status" className="notice">
        {target ? t('conversation.left', { target }) : t('conversation.leftView')}
      </p>
      <Link href="/">{t('conversation.backToList')}</Link>
    </section>
  );
}
