import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'wouter';
import { useLoad } from '../admin/useLoad.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { ChannelIcon } from '../inbox/ChannelIcon.js';
import { describeError } from '../pages/describe-error.js';
import { useFeedEvents } from '../realtime/feed.js';
import { crmApi, type CrmApi } from './api.js';
import { ContactEditForm } from './ContactEditForm.js';
import { DataRights } from './DataRights.js';
import { MergeDialog } from './MergeDialog.js';
import { Timeline } from './Timeline.js';
import { shownContactName } from '../lib/contact-name.js';

/** One customer: who they are on every channel, their history across channels, notes, merges and likely duplicates. */
export default function ContactPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const { client } = useApi();
  const api = useMemo(() => crmApi(client), [client]);
  const session = useSignedIn();
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a reload after a change
  const contact = useLoad(useCallback(() => api.get(id), [api, id, version]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a reload after a change
  const timeline = useLoad(useCallback(() => api.timeline(id), [api, id, version]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a reload after a change
  const merges = useLoad(useCallback(() => api.merges(id), [api, id, version]));
  const [merging, setMerging] = useState(false);
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string>();
  const mayMerge = hasPermission(session, 'contacts.merge');
  // Edited elsewhere (the inbox's customer panel, another agent): read the record again.
  useFeedEvents((event) => {
    if (event.kind === 'contact.updated' && event.payload.contact.id === id) refresh();
  });

  if (contact.error)
    return (
      <main className="page">
        <p className="error">{describeError(contact.error, t)}</p>
        <Link href="/contacts">{t('crm.customers')}</Link>
      </main>
    );
  const c = contact.data;
  if (!c) return <main className="page" aria-busy="true" />;
  const undo = async (mergeId: string) => {
    setProblem(undefined);
    try {
      await api.undoMerge(mergeId);
      refresh();
    } catch (caught) {
      setProblem(describeError(caught, t));
    }
  };
  const openMerges = (merges.data?.merges ?? []).filter((m) => !m.undoneAt);
  return (
    <main className="page crm contact-page">
      <Link className="back-link" href="/contacts">
        {t('crm.customers')}
      </Link>
      <h1>{shownContactName(c.name, t)}</h1>
      {editing ? (
        <ContactEditForm
          api={api}
          contact={c}
          onSaved={() => {
            setEditing(false);
            refresh();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        hasPermission(session, 'contacts.edit') && (
          <button type="button" className="edit-record" onClick={() => setEditing(true)}>
            {t('crm.editRecord')}
          </button>
        )
      )}
      <dl className="facts" hidden={editing}>
        {c.email && (
          <>
            <dt>{t('customer.email')}</dt>
            <dd>{c.email}</dd>
          </>
        )}
        {c.phone && (
          <>
            <dt>{t('customer.phone')}</dt>
            <dd>{c.phone}</dd>
          </>
        )}
        {c.company && (
          <>
            <dt>{t('crm.company')}</dt>
            <dd>{c.company.name}</dd>
          </>
        )}
        {Object.entries(c.attributes).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
          </div>
        ))}
      </dl>
      {c.tags.length > 0 && (
        <ul className="tags" aria-label={t('customer.tags')}>
          {c.tags.map((tag) => (
            <li key={tag}>{tag}</li>
          ))}
        </ul>
      )}
      <section className="section" aria-label={t('customer.identities')}>
        <h2>{t('customer.identities')}</h2>
        <ul className="identities">
          {c.identities.map((identity) => (
            <li key={identity.id}>
              <ChannelIcon type={identity.channelType} name={identity.channelType} /> {identity.displayName ?? identity.externalId}
              {identity.displayName && <small className="hint"> {identity.externalId}</small>}
            </li>
          ))}
          {c.handles.map((h) => (
            <li key={h.id}>
              {t(`crm.handle.${h.kind}` as 'crm.handle.email')}: {h.value}
            </li>
          ))}
        </ul>
      </section>
      {mayMerge && (
        <section className="section" aria-label={t('crm.merges')}>
          <button type="button" onClick={() => setMerging(true)}>
            {t('crm.mergeAnother')}
          </button>
          {openMerges.length > 0 && (
            <ul>
              {openMerges.map((m) => (
                <li key={m.id}>
                  {t('crm.mergedFrom', { name: m.sourceName ?? m.sourceId.slice(0, 8) })}{' '}
                  <button type="button" className="link" onClick={() => void undo(m.id)}>
                    {t('crm.undoMerge')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {problem && <p className="error">{problem}</p>}
          <Duplicates api={api} contactId={c.id} version={version} onMerge={refresh} />
        </section>
      )}
      {merging && (
        <MergeDialog
          api={api}
          target={c}
          onClose={() => setMerging(false)}
          onMerged={() => {
            setMerging(false);
            refresh();
          }}
        />
      )}
      {hasPermission(session, 'contacts.edit') && <NoteForm api={api} contactId={c.id} onAdded={refresh} />}
      <Timeline items={timeline.data?.items} />
      <DataRights api={api} contactId={c.id} name={c.name || t('inbox.anonymous')} />
    </main>
  );
}

function NoteForm({ api, contactId, onAdded }: { api: CrmApi; contactId: string; onAdded: () => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string>();
  return (
    <form
      className="section note-form"
      aria-label={t('crm.addNote')}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!body.trim()) return;
        try {
          await api.addNote(contactId, body.trim());
          setBody('');
          setProblem(undefined);
          onAdded();
        } catch (caught) {
          setProblem(describeError(caught, t));
        }
      }}
    >
      <label>
        {t('crm.note')}
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} />
      </label>
      <button type="submit">{t('crm.addNote')}</button>
      {problem && <p className="error">{problem}</p>}
    </form>
  );
}

function Duplicates({ api, contactId, version, onMerge }: { api: CrmApi; contactId: string; version: number; onMerge: () => void }) {
  const { t } = useI18n();
  // biome-ignore lint/correctness/useExhaustiveDependencies: version asks for a reload after a change
  const duplicates = useLoad(useCallback(() => api.duplicatesOf(contactId), [api, contactId, version]));
  const list = duplicates.data?.duplicates ?? [];
  if (list.length === 0) return null;
  return (
    <section aria-label={t('crm.likelySame')}>
      <h2>{t('crm.likelySame')}</h2>
      <ul>
        {list.map(({ contact, reasons }) => (
          <li key={contact.id}>
            <Link href={`/contacts/${contact.id}`}>{contact.name ? shownContactName(contact.name, t) : contact.email || contact.phone}</Link> (
            {reasons.map((r) => t(`crm.reason.${r}`)).join(', ')}){' '}
            <button
              type="button"
              className="link"
              onClick={async () => {
                await api.merge(contactId, contact.id);
                onMerge();
              }}
            >
              {t('crm.mergeHere')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
