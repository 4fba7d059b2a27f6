import { useEffect, useId, useState } from 'react';
import type { ConversationSnapshot } from '../api/domain.js';
import type { TransferTarget } from '../api/conversations.js';
import type { ConversationView, GroupView, Permission, UserView } from '../api/types.js';
import { useApi } from '../app/api-context.js';
import { hasPermission, useSignedIn } from '../app/session.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { CreateTicketButton } from '../tickets/CreateTicketButton.js';

type Panel = 'assign' | 'transfer' | undefined;
type TargetKind = 'agent' | 'group' | 'queue';

/**
 * What an agent does with the open conversation: take it, assign it, transfer it (to an agent,
 * a group or back to the queue, with a note for colleagues), resolve or reopen it. Buttons follow
 * the role's permissions; the server has the last word and its refusal is shown as it is.
 */
export function ConversationActions({
  conversation,
  agentName,
  onChanged,
}: {
  conversation: ConversationView;
  agentName: (id: string | null) => string;
  onChanged(snapshot: ConversationSnapshot): void;
}) {
  const { t } = useI18n();
  const { conversations: api } = useApi();
  const session = useSignedIn();
  const [panel, setPanel] = useState<Panel>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [agents, setAgents] = useState<UserView[]>();
  const [groups, setGroups] = useState<GroupView[]>();
  const can = (permission: Permission) => hasPermission(session, permission);
  const resolved = conversation.status === 'resolved';

  // biome-ignore lint/correctness/useExhaustiveDependencies: another conversation starts without an open form or a message
  useEffect(() => {
    setPanel(undefined);
    setError(undefined);
    setNotice(undefined);
  }, [conversation.id]);

  useEffect(() => {
    if (!panel) return;
    if (agents === undefined)
      api.agents().then(
        (a) => setAgents(a.users.filter((u) => u.accountStatus === 'active')),
        () => setAgents([]),
      );
    if (panel === 'transfer' && groups === undefined)
      api.groups().then(
        (g) => setGroups(g.groups),
        () => setGroups([]),
      );
  }, [panel, agents, groups, api]);

  const run = async (action: () => Promise<{ conversation: ConversationSnapshot }>, done: string) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const answer = await action();
      onChanged(answer.conversation);
      setPanel(undefined);
      setNotice(done);
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  const assignee = conversation.assigneeId ? t('actions.assignedTo', { name: agentName(conversation.assigneeId) }) : t('actions.unassigned');
  const toggle = (next: Panel) => {
    setError(undefined);
    setPanel((current) => (current === next ? undefined : next));
  };

  return (
    <div className="conversation-actions">
      <div role="toolbar" aria-label={t('actions.label')} className="actions-bar">
        <span className="assignee">{assignee}</span>
        {!resolved && !conversation.assigneeId && can('conversations.reply') && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => api.claim(conversation.id), t('actions.claimed'))}>
            {t('actions.claim')}
          </button>
        )}
        {!resolved && can('conversations.assign') && (
          <button type="button" className="secondary" aria-expanded={panel === 'assign'} onClick={() => toggle('assign')}>
            {t('actions.assign')}
          </button>
        )}
        {!resolved && can('conversations.transfer') && (
          <button type="button" className="secondary" aria-expanded={panel === 'transfer'} onClick={() => toggle('transfer')}>
            {t('actions.transfer')}
          </button>
        )}
        {can('conversations.resolve') &&
          (resolved ? (
            <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => api.reopen(conversation.id), t('actions.reopened'))}>
              {t('actions.reopen')}
            </button>
          ) : (
            <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => api.resolve(conversation.id), t('actions.resolved'))}>
              {t('actions.resolve')}
            </button>
          ))}
        {can('tickets.edit') && <CreateTicketButton conversation={conversation} />}
      </div>
      {panel === 'assign' && (
        <AssignForm
          agents={agents}
          busy={busy}
          onCancel={() => setPanel(undefined)}
          onAssign={(agentId) => void run(() => api.assign(conversation.id, agentId), t('actions.assignedTo', { name: agentName(agentId) }))}
        />
      )}
      {panel === 'transfer' && (
        <TransferForm
          agents={agents}
          groups={groups}
          busy={busy}
          onCancel={() => setPanel(undefined)}
          onTransfer={(to, note, done) => void run(() => api.transfer(conversation.id, to, note), done)}
        />
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
    </div>
  );
}

function AgentOptions({ agents }: { agents: UserView[] }) {
  const { t } = useI18n();
  return (
    <>
      {agents.map((agent) => (
        <option key={agent.id} value={agent.id}>
          {agent.name} · {t(`agentStatus.${agent.agentStatus}`)}
        </option>
      ))}
    </>
  );
}

function AssignForm({
  agents,
  busy,
  onAssign,
  onCancel,
}: {
  agents: UserView[] | undefined;
  busy: boolean;
  onAssign(agentId: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [agentId, setAgentId] = useState('');
  return (
    <form
      className="action-form"
      aria-label={t('actions.assignTitle')}
      onSubmit={(event) => {
        event.preventDefault();
        if (agentId) onAssign(agentId);
      }}
    >
      <label htmlFor={id}>{t('actions.agent')}</label>
      <select id={id} value={agentId} onChange={(event) => setAgentId(event.target.value)} required aria-busy={agents === undefined}>
        <option value="">{t('actions.choose')}</option>
        {agents && <AgentOptions agents={agents} />}
      </select>
      <div className="form-buttons">
        <button type="submit" disabled={busy || !agentId}>
          {t('actions.assign')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </form>
  );
}

function TransferForm({
  agents,
  groups,
  busy,
  onTransfer,
  onCancel,
}: {
  agents: UserView[] | undefined;
  groups: GroupView[] | undefined;
  busy: boolean;
  /** `done` is what to tell the agent once the server agrees. */
  onTransfer(to: TransferTarget, note: string | undefined, done: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<TargetKind>('agent');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const ready = kind === 'queue' || target !== '';
  const submit = () => {
    const trimmed = note.trim() || undefined;
    if (kind === 'queue') return onTransfer({ queue: true }, trimmed, t('actions.requeued'));
    if (kind === 'agent')
      return onTransfer({ agentId: target }, trimmed, t('actions.transferred', { target: agents?.find((a) => a.id === target)?.name ?? '' }));
    return onTransfer({ groupId: target }, trimmed, t('actions.transferred', { target: groups?.find((g) => g.id === target)?.name ?? '' }));
  };
  return (
    <form
      className="action-form"
      aria-label={t('actions.transferTitle')}
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) submit();
      }}
    >
      <fieldset className="choice">
        <legend>{t('actions.transferTo')}</legend>
        {(['agent', 'group', 'queue'] as const).map((k) => (
          <label key={k}>
            <input
              type="radio"
              name={`${id}-kind`}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setTarget('');
              }}
            />
            {t(k === 'agent' ? 'actions.toAgent' : k === 'group' ? 'actions.toGroup' : 'actions.toQueue')}
          </label>
        ))}
      </fieldset>
      {kind !== 'queue' && (
        <>
          <label htmlFor={`${id}-target`}>{kind === 'agent' ? t('actions.agent') : t('actions.group')}</label>
          <select id={`${id}-target`} value={target} onChange={(event) => setTarget(event.target.value)} required>
            <option value="">{t('actions.choose')}</option>
            {kind === 'agent' && agents && <AgentOptions agents={agents} />}
            {kind === 'group' &&
              groups?.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
          </select>
        </>
      )}
      <label htmlFor={`${id}-note`}>{t('actions.note')}</label>
      <textarea id={`${id}-note`} rows={2} maxLength={4000} value={note} onChange={(event) => setNote(event.target.value)} />
      <div className="form-buttons">
        <button type="submit" disabled={busy || !ready}>
          {t('actions.transfer')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
