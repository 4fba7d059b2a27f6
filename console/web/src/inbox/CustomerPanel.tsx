import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { ContactDetail } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { useFeedEvents } from '../realtime/feed.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { ChannelIcon } from './ChannelIcon.js';
import { ContactEditor } from './ContactEditor.js';
import { formatTime } from './time.js';
import { shownContactName } from '../lib/contact-name.js';

/** The customer behind a conversation: their record, who they are on each channel, and their other conversations. */
export function CustomerPanel({ contactId, currentConversationId }: { contactId: string; currentConversationId: string }) {
  const { t, language } = useI18n();
  const { contacts } = useApi();
  const [contact, setContact] = useState<ContactDetail>();
  const [failed, setFailed] = useState(false);
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);
  const session = useSignedIn();
  // biome-ignore lint/correctness/useExhaustiveDependencies: opening another of their conversations refreshes the history
  useEffect(() => {
    let current = true;
    setFailed(false);
    contacts.get(contactId).then(
      (detail) => current && setContact(detail),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [contacts, contactId, currentConversationId, version]);

  // Edited elsewhere (the profile page, another agent): read the record again.
  useFeedEvents((event) => {
    if (event.kind === 'contact.updated' && event.payload.contact.id === contactId) setVersion((n) => n + 1);
  });

  if (failed) return null;
  if (!contact) return <aside className="customer-panel" aria-label={t('customer.title')} aria-busy="true" />;
  const attributes = Object.entries(contact.attributes);
  const others = contact.conversations.filter((c) => c.id !== currentConversationId);
  return (
    <aside className="customer-panel" aria-label={t('customer.title')}>
      <h2>{shownContactName(contact.name, t)}</h2>
      <Link href={`/contacts/${contact.id}`} className="link">
        {t('crm.openRecord')}
      </Link>
      {editing ? (
        <ContactEditor
          contact={contact}
          onSaved={() => {
            setEditing(false);
            setVersion((n) => n + 1);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        hasPermission(session, 'contacts.edit') && (
          <button type="button" className="link edit-contact" onClick={() => setEditing(true)}>
            {t('customer.edit')}
          </button>
        )
      )}
      <dl className="facts">
        {contact.email && (
          <>
            <dt>{t('customer.email')}</dt>
            <dd>{contact.email}</dd>
          </>
        )}
        {contact.phone && (
          <>
            <dt>{t('customer.phone')}</dt>
            <dd>
              {contact.phone} <Link href={`/phone/workbench?dial=${encodeURIComponent(contact.phone)}`}>{t('customer.call')}</Link>
            </dd>
          </>
        )}
        {attributes.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
      </dl>
      {contact.tags.length > 0 && (
        <ul className="tags" aria-label={t('customer.tags')}>
          {contact.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
      <h3>{t('customer.identities')}</h3>
      <ul className="identities">
        {contact.identities.map((identity) => (
          <li key={identity.id}>
            <ChannelIcon type={identity.channelType} name={identity.channelType} /> {identity.displayName ?? identity.externalId}
            {identity.displayName && <small className="hint"> {identity.externalId}</small>}
          </li>
        ))}
      </ul>
      <h3>{t('customer.history')}</h3>
      {others.length === 0 ? (
        <p className="hint">{t('customer.noHistory')}</p>
      ) : (
        <ul className="history">
          {others.map((conversation) => (
            <li key={conversation.id}>
              <Link href={`/conversations/${conversation.id}`}>
                {formatTime(conversation.createdAt, language)} · {t(`status.${conversation.status}`)}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
