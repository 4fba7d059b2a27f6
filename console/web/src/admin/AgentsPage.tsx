import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { RoleView, UserView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError, UserError } from '../pages/describe-error.js';
import { AgentEditor } from './AgentEditor.js';
import { CopyButton } from './CopyButton.js';
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
  const [editing, setEditing] = useState<string>();
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
  return (
    <>
      <h1>{t('admin.agents')}</h1>
      {load.error !== undefined && (
        <p role="alert" className="error">
          {describeError(load.error, t)}
        </p>
      )}
      {data && !data.mail.configured && (
        <p className="notice mail-notice" role="note">
          {t('admin.mailNotSetUp', { folder: data.mail.folder })}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {link && (
        <div className="token-once link-once" role="status">
          <p>{t(link.kind === 'invitation' ? 'admin.invitationLinkOnce' : 'admin.resetLinkOnce', { name: link.name })}</p>
          <code>{link.url}</code> <CopyButton text={link.url} />
        </div>
      )}
      <div className="table-scroll">
        <table className="admin-table" aria-label={t('admin.agents')}>
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('signIn.email')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.groups')}</th>
              <th scope="col">{t('admin.account')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.users.map((user) => (
              <tr key={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>{roleName(user.roleId)}</td>
                <td>{groupNames(user)}</td>
                <td>
                  {t(`account.${user.accountStatus}`)}
                  {user.twoFactor && <span className="tag two-factor-tag">{t('admin.twoFactorOn')}</span>}
                </td>
                <td>
                  <button type="button" className="link" onClick={() => setEditing(user.id)} aria-label={t('admin.editAgent', { name: user.name })}>
                    {t('admin.edit')}
                  </button>
                  {user.accountStatus === 'invited' && (
                    <button type="button" className="link" onClick={() => void sendLink('invitation', user)}>
                      {t('admin.resend')}
                    </button>
                  )}
                  {user.accountStatus === 'active' && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => void sendLink('reset', user)}
                      aria-label={t('admin.resetPasswordOf', { name: user.name })}
                    >
                      {t('admin.resetPassword')}
                    </button>
                  )}
                  {user.accountStatus === 'active' && (
                    <button type="button" className="link" onClick={() => void act(() => api.deactivate(user.id), t('admin.deactivated', { name: user.name }))}>
                      {t('admin.deactivate')}
                    </button>
                  )}
                  {user.twoFactor && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => void act(() => api.resetTwoFactor(user.id), t('admin.twoFactorReset', { name: user.name }))}
                    >
                      {t('admin.resetTwoFactor')}
                    </button>
                  )}
                  {user.accountStatus === 'deactivated' && (
                    <button type="button" className="link" onClick={() => void act(() => api.reactivate(user.id), t('admin.reactivated', { name: user.name }))}>
                      {t('admin.reactivate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && editing && (
        <AgentEditor
          key={editing}
          api={api}
          user={data.users.find((user) => user.id === editing)!}
          roles={data.roles}
          groups={data.groups}
          roleLabel={roleLabel}
          onDone={(saved) => {
            setEditing(undefined);
            if (saved) {
              setNotice(t('admin.agentSaved'));
              load.reload();
            }
          }}
        />
      )}
      {data && !editing && (
        <form className="admin-form" onSubmit={(event) => void onSubmit(event)} aria-label={t('admin.invite')}>
          <h2>{t('admin.invite')}</h2>
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
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {t('admin.sendInvite')}
          </button>
        </form>
      )}
    </>
  );
}
