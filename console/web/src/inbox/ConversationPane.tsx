import { Link } from 'wouter';
import { attachmentUrl } from '../api/conversations.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeed } from '../realtime/feed.js';
import { describeError } from '../pages/describe-error.js';
import { ChannelIcon } from './ChannelIcon.js';
import { ConversationActions } from './ConversationActions.js';
import { applySnapshot } from './store.js';
import { CustomerPanel } from './CustomerPanel.js';
import { SatisfactionBadge } from './SatisfactionBadge.js';
import { MessageList } from './MessageList.js';
import { ReplyBox } from './ReplyBox.js';
import { useConversation } from './useConversation.js';

/** One conversation: who and where, the messages, the reply box, and the customer beside it. */
export function ConversationPane({ id, agentName }: { id: string; agentName: (id: string | null) => string }) {
  const { t } = useI18n();
  const { client, conversations, contacts } = useApi();
  const session = useSignedIn();
  const view = useConversation(id);
  const { sendTyping } = useFeed();
  const { conversation } = view;

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
  const contactName = conversation.contact.name || t('inbox.anonymous');
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
        <SatisfactionBadge conversationId={conversation.id} />
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
          attachmentUrl={attachmentUrl(client)}
          onRetry={view.retry}
          onLoadOlder={view.olderBefore ? () => void view.loadOlder() : undefined}
        />
        {view.customerTyping && (
          <p className="typing hint" role="status">
            {t('conversation.typing', { name: contactName })}
          </p>
        )}
        {hasPermission(session, 'conversations.reply') && (
          <ReplyBox
            onSend={view.send}
            onUpload={(file) => conversations.upload(conversation.id, file, file.name || 'file')}
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
          />
        )}
      </section>
      {hasPermission(session, 'contacts.view') && <CustomerPanel contactId={conversation.contact.id} currentConversationId={conversation.id} />}
    </>
  );
}
