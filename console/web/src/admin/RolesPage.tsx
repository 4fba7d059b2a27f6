import { useCallback, useEffect, useState } from 'react';
import type { AdminApi } from '../api/admin.js';
import type { Permission, RoleView } from '../api/types.js';
import { Field } from '../components/Field.js';
import { formText, useSubmit } from '../components/useSubmit.js';
import { useI18n } from '../i18n/i18n.js';
import { permissionLabel } from '../i18n/permissions.js';
import { describeError } from '../pages/describe-error.js';
import { ListForm, ListPage, useListEditor } from './AdminList.js';
import { useLoad } from './useLoad.js';

/**
 * Roles and the permission matrix: a column per role, a row per permission. The built-in roles
 * are shown as they are; custom roles are edited here and saved per role.
 */
export function RolesPage({ api }: { api: AdminApi }) {
  const { t, language } = useI18n();
  const load = useLoad(
    useCallback(async () => {
      const [roles, permissions] = await Promise.all([api.roles(), api.permissions()]);
      return { roles: roles.roles, permissions: permissions.permissions };
    }, [api]),
  );
  // Names from the server's own list (GET /permissions); it refuses any other.
  const [draft, setDraft] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<string>();
  const editor = useListEditor<RoleView>();
  useEffect(() => {
    if (load.data) setDraft(Object.fromEntries(load.data.roles.map((role) => [role.id, role.permissions])));
  }, [load.data]);
  const describe = useCallback((caught: unknown) => describeError(caught, t), [t]);
  const { busy, error, onSubmit } = useSubmit(
    useCallback(
      async (form) => {
        // A new role starts with no rights; the matrix grants them.
        await api.createRole({ name: formText(form, 'name'), permissions: [] });
        load.reload();
      },
      [api, load.reload],
    ),
    describe,
    { resetOnSuccess: true },
  );

  const toggle = (role: RoleView, permission: string, on: boolean) =>
    setDraft((current) => {
      const now = new Set(current[role.id] ?? []);
      if (on) now.add(permission);
      else now.delete(permission);
      return { ...current, [role.id]: [...now] };
    });
  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setNotice(done);
      load.reload();
    } catch (caught) {
      setNotice(describe(caught));
    }
  };
  const roleLabel = (role: RoleView) => (role.builtin ? t(role.name === 'admin' ? 'role.admin' : 'role.agent') : role.name);

  const data = load.data;
  return (
    <ListPage
      title={t('admin.roles')}
      loadError={load.error}
      notice={notice}
      rows={data?.roles}
      nameOf={(role) => role.name}
      // Roles are the matrix's columns, so the matrix is drawn here; its Delete asks first like any list's.
      editor={editor}
      confirmDelete={{
        title: (role) => t('admin.deleteRoleTitle', { name: role.name }),
        onConfirm: (role) => {
          editor.cancelDelete();
          void run(() => api.deleteRole(role.id), t('admin.roleDeleted', { name: role.name }));
        },
      }}
      list={
        data && (
          <div className="table-scroll">
            <table className="admin-table matrix" aria-label={t('admin.permissionMatrix')}>
              <thead>
                <tr>
                  <th scope="col">{t('admin.permission')}</th>
                  {data.roles.map((role) => (
                    <th scope="col" key={role.id}>
                      {roleLabel(role)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.permissions.map((permission) => {
                  const label = permissionLabel(permission.name, language, permission.description);
                  return (
                    <tr key={permission.name}>
                      <th scope="row">{label}</th>
                      {data.roles.map((role) => (
                        <td key={role.id}>
                          <input
                            type="checkbox"
                            aria-label={`${roleLabel(role)}: ${label}`}
                            checked={(draft[role.id] ?? role.permissions).includes(permission.name)}
                            disabled={role.builtin}
                            onChange={(event) => toggle(role, permission.name, event.target.checked)}
                          />
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <td />
                  {data.roles.map((role) => (
                    <td key={role.id}>
                      {!role.builtin && (
                        <>
                          <button
                            type="button"
                            onClick={() =>
                              void run(
                                () => api.updateRole(role.id, { permissions: (draft[role.id] ?? []) as Permission[] }),
                                t('admin.roleSaved', { name: role.name }),
                              )
                            }
                          >
                            {t('admin.saveRole', { name: role.name })}
                          </button>{' '}
                          <button type="button" className="link" onClick={() => editor.askDelete(role)}>
                            {t('admin.deleteRole', { name: role.name })}
                          </button>
                        </>
                      )}
                    </td>
                  ))}
                </tr>
              </tfoot>
            </table>
          </div>
        )
      }
    >
      <ListForm title={t('admin.addRole')} editing={false} addLabel={t('admin.addRole')} busy={busy} error={error} onSubmit={onSubmit}>
        <Field label={t('admin.name')} name="name" required maxLength={100} />
      </ListForm>
    </ListPage>
  );
}
