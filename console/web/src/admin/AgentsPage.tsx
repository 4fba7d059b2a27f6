import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { RoleView, UserView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { AgentEditor } from './AgentEditor.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

/**
 * The company's agents: invite one (an e-mail, a name, exactly one role, one or more groups; the
 * agent sets a password from the mailed link), resend the link, deactivate and reactivate.
 * Each new invitation or reset link is also shown once, to copy, since mail may not be set up.
 */
export function AgentsPage({ api }: { api: AdminApi }) {
  const { t } = useI18n();
  const load = useLoad(
    useCallback(async () => {
      const [users, roles, groups, status] = await Promise.all([api.users(), api.roles(), api.groups(), api.status()]);
      return { users: users.users, roles: roles.roles, groups: groups.groups, mail: status.mail };
    }, [api]),
  );
  const [notice, setNotice] = useState<string>();
  const editor = useListEditor<UserView>();
  const [link, setLink] = useState<{ kind: 'invitation' | 'reset'; name: string; url: string }>();
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        const groupIds = form.getAll('groupIds').map(String);
        if (groupIds.length === 0) throw new UserError(t('admin.pickGroup'));
        const answer = await api.invite({ name: formText(form, 'name'), email: formText(form, 'email'), roleId: formText(form, 'roleId'), groupIds });
        setNotice(t(answer.invitationSent ? 'admin.invited' : 'admin.inviteNotSent', { email: answer.user.email }));
        setLink({ kind: 'invitation', name: answer.user.name, url: answer.invitationLink });
        load.reload();
      },
      [api, load.reload, t],
    ),
    describe,
    { resetOnSuccess: true },
  );
  const act = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setLink(undefined);
      setNotice(done);
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };

  const sendLink = async (kind: 'invitation' | 'reset', user: UserView) => {
    try {
      const answer = kind === 'invitation' ? await api.resendInvitation(user.id) : await api.resetPassword(user.id);
      const [sent, url] = 'resetLink' in answer ? [answer.mailSent, answer.resetLink] : [answer.invitationSent, answer.invitationLink];
      setNotice(
        sent
          ? t(kind === 'invitation' ? 'admin.invited' : 'admin.resetSent', { email: user.email })
          : t(kind === 'invitation' ? 'admin.inviteNotSent' : 'admin.resetNotMailed', { email: user.email }),
      );
      setLink({ kind, name: user.name, url });
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };

  const data = load.data;
  const roleLabel = (role: RoleView) => (role.builtin ? t(role.name === 'admin' ? 'role.admin' : 'role.agent') : role.name);
  const roleName = (id: string) => {
    const role = data?.roles.find((candidate) => candidate.id === id);
    return role ? roleLabel(role) : '';
  };
  const groupNames = (user: UserView) => user.groupIds.map((id) => data?.groups.find((group) => group.id === id)?.name ?? '').join(', ');
  const editingUser = editor.editing && data?.users.find((user) => user.id === editor.editing?.id);
  return (
    <ListPage
      title={t('admin.agents')}
      loadError={load.error}
      lead={
        data &&
        !data.mail.configured && (
          <p className="notice mail-notice" role="note">
            {t('admin.mailNotSetUp', { folder: data.mail.folder })}
          </p>
        )
      }
      notice={notice}
      shownOnce={
        link && {
          message: t(link.kind === 'invitation' ? 'admin.invitationLinkOnce' : 'admin.resetLinkOnce', { name: link.name }),
          value: link.url,
          className: 'link-once',
        }
      }
      rows={data?.users}
      scroll
      columns={[
        { header: t('admin.name'), cell: (user) => user.name },
        { header: t('signIn.email'), cell: (user) => user.email },
        { header: t('admin.role'), cell: (user) => roleName(user.roleId) },
        { header: t('admin.groups'), cell: groupNames },
        {
          header: t('admin.account'),
          cell: (user) => (
            <>
              {t(`account.${user.accountStatus}`)}
              {user.twoFactor && <span className="tag two-factor-tag">{t('admin.twoFactorOn')}</span>}
            </>
          ),
        },
      ]}
      nameOf={(user) => user.name}
      // Agents are deactivated, never deleted: their conversations keep their name.
      editor={editor}
      extraActions={(user) => (
        <>
          {user.accountStatus === 'invited' && (
            <button type="button" className="link" onClick={() => void sendLink('invitation', user)}>
              {t('admin.resend')}
            </button>
          )}
          {user.accountStatus === 'active' && (
            <button type="button" className="link" onClick={() => void sendLink('reset', user)} aria-label={t('admin.resetPasswordOf', { name: user.name })}>
              {t('admin.resetPassword')}
            </button>
          )}
          {user.accountStatus === 'active' && (
            <button type="button" className="link" onClick={() => void act(() => api.deactivate(user.id), t('admin.deactivated', { name: user.name }))}>
              {t('admin.deactivate')}
            </button>
          )}
          {user.twoFactor && (
            <button type="button" className="link" onClick={() => void act(() => api.resetTwoFactor(user.id), t('admin.twoFactorReset', { name: user.name }))}>
              {t('admin.resetTwoFactor')}
            </button>
          )}
          {user.accountStatus === 'deactivated' && (
            <button type="button" className="link" onClick={() => void act(() => api.reactivate(user.id), t('admin.reactivated', { name: user.name }))}>
              {t('admin.reactivate')}
            </button>
          )}
        </>
      )}
    >
      {data && editingUser && (
        <AgentEditor
          key={editingUser.id}
          api={api}
          user={editingUser}
          roles={data.roles}
          groups={data.groups}
          roleLabel={roleLabel}
          onDone={(saved) => {
            editor.stopEditing();
            if (saved) {
              setNotice(t('admin.agentSaved'));
              load.reload();
            }
          }}
        />
      )}
      {data && !editingUser && (
        <ListForm title={t('admin.invite')} editing={false} addLabel={t('admin.sendInvite')} busy={busy} error={error} onSubmit={onSubmit}>
          <Field label={t('admin.name')} name="name" required maxLength={200} />
          <Field label={t('signIn.email')} name="email" type="email" required />
          <div className="field">
            <label htmlFor="invite-role">{t('admin.role')}</label>
            <select id="invite-role" name="roleId" required defaultValue={data.roles.find((role) => role.name === 'agent')?.id}>
              {data.roles.map((role) => (
                <option key={role.id} value={role.id}>
                  {roleLabel(role)}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field">
            <legend>{t('admin.groups')}</legend>
            {data.groups.map((group) => (
              <label key={group.id} className="check">
                <input type="checkbox" name="groupIds" value={group.id} /> {group.name}
              </label>
            ))}
          </fieldset>
        </ListForm>
      )}
    </ListPage>
  );
}
