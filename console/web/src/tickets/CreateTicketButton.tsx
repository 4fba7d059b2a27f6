import { useId, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { ticketsApi } from '../api/tickets.js';
import type { ConversationView } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';

/** Turns the open conversation into a ticket (its customer, group and channel) and opens the ticket. */
export function CreateTicketButton({ conversation }: { conversation: ConversationView }) {
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => ticketsApi(client), [client]);
  const [, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();
  const submit = async (form: HTMLFormElement) => {
    setError(undefined);
    try {
      const subject = String(new FormData(form).get('subject') ?? '').trim();
      const ticket = await api.create({ conversationId: conversation.id, subject });
      navigate(`/tickets/${ticket.id}`);
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  return (
    <>
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        {t('ticket.create')}
      </button>
      {open && (
        <form
          className="inline-form"
          aria-label={t('ticket.create')}
          onSubmit={(e) => {
            e.preventDefault();
            void submit(e.currentTarget);
          }}
        >
          <label htmlFor={`${id}-subject`}>{t('ticket.createSubject')}</label>
          <input id={`${id}-subject`} name="subject" required maxLength={300} defaultValue={conversation.subject ?? conversation.contact.name ?? ''} />
          <button type="submit">{t('ticket.createButton')}</button>
          {error && (
            <span role="alert" className="error">
              {error}
            </span>
          )}
        </form>
      )}
    </>
  );
}
