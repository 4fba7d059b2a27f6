import { useCallback, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { useEditorInView } from './useEditorInView.js';

/** One column of an admin table: its header and what a row shows in it. */
export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  className?: string;
}

/**
 * What an admin list is doing: the row open in the form below the list (or a new one), and the row
 * whose delete waits for the confirm. `formKey` remounts the form when another row is opened.
 */
export function useListEditor<T extends { id: string }>() {
  const [editing, setEditing] = useState<T>();
  const [deleting, setDeleting] = useState<T>();
  /** Closes the editor if it shows `row` (deleted, say). */
  const closeIf = useCallback((row: T) => setEditing((current) => (current?.id === row.id ? undefined : current)), []);
  const editor: ListEditor<T> = {
    editing,
    edit: (row) => setEditing(row),
    stopEditing: () => setEditing(undefined),
    closeIf,
    formKey: editing?.id ?? 'new',
    deleting,
    askDelete: (row) => setDeleting(row),
    cancelDelete: () => setDeleting(undefined),
  };
  return editor;
}

export interface ListEditor<T> {
  editing: T | undefined;
  edit(row: T): void;
  stopEditing(): void;
  closeIf(row: T): void;
  formKey: string;
  deleting: T | undefined;
  askDelete(row: T): void;
  cancelDelete(): void;
}

/** The confirm before a delete: a title naming the row, an optional body, the confirm in the reader's language. */
export interface DeleteConfirm<T> {
  title(row: T): string;
  body?(row: T): ReactNode;
  busy?: boolean;
  onConfirm(row: T): void;
}

/**
 * An admin page that lists things: heading, hint, the load's error, the last action's notice, the
 * list (a table from `columns`, or a `list` of its own), Edit and Delete on each row (the delete
 * behind a confirm), an empty state, and the add/edit form under it all.
 */
export function ListPage<T extends { id: string }>({
  title,
  hint,
  loadError,
  notice,
  rows,
  columns,
  list,
  scroll,
  empty,
  nameOf,
  editor,
  confirmDelete,
  extraActions,
  banner,
  children,
}: {
  title: string;
  hint?: string;
  loadError?: unknown;
  notice?: string;
  /** Undefined while loading: no empty state yet. */
  rows: readonly T[] | undefined;
  columns?: Column<T>[];
  /** A list drawn by the page instead of the table (it can use `RowActions`). */
  list?: ReactNode;
  scroll?: boolean;
  empty?: string;
  /** The row's name as the Edit and Delete buttons read it out. */
  nameOf(row: T): string;
  /** Without one the rows have no Edit and no Delete (only `extraActions`). */
  editor?: ListEditor<T>;
  confirmDelete?: DeleteConfirm<T>;
  extraActions?(row: T): ReactNode;
  /** Shown above the list, under the notice (a secret shown once, say). */
  banner?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const isEmpty = rows?.length === 0;
  const table = columns && !(empty && isEmpty) && (
    <table className="admin-table" aria-label={title}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{t('admin.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows?.map((row) => (
          <tr key={row.id}>
            {columns.map((column) => (
              <td key={column.header} className={column.className}>
                {column.cell(row)}
              </td>
            ))}
            <td>
              {extraActions?.(row)}
              {editor && <RowActions name={nameOf(row)} onEdit={() => editor.edit(row)} onDelete={confirmDelete && (() => editor.askDelete(row))} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const deleting = editor?.deleting;
  return (
    <>
      <h1>{title}</h1>
      {hint && <p className="hint">{hint}</p>}
      {loadError !== undefined && (
        <p role="alert" className="error">
          {describeError(loadError, t)}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {banner}
      {list ?? (scroll && table ? <div className="table-scroll">{table}</div> : table)}
      {empty && isEmpty && <p className="hint">{empty}</p>}
      {editor && deleting && confirmDelete && (
        <ConfirmDialog
          title={confirmDelete.title(deleting)}
          confirmLabel={t('admin.delete')}
          busy={confirmDelete.busy}
          onCancel={editor.cancelDelete}
          onConfirm={() => confirmDelete.onConfirm(deleting)}
        >
          {confirmDelete.body?.(deleting)}
        </ConfirmDialog>
      )}
      {children}
    </>
  );
}

/** Edit and Delete on a row, read out with the row's name. */
export function RowActions({ name, onEdit, onDelete }: { name: string; onEdit(): void; onDelete?: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="link" onClick={onEdit} aria-label={t('admin.editNamed', { name })}>
        {t('admin.edit')}
      </button>
      {onDelete && (
        <button type="button" className="link" onClick={onDelete} aria-label={t('admin.deleteNamed', { name })}>
          {t('admin.delete')}
        </button>
      )}
    </>
  );
}

/**
 * The add/edit form under a list: its title, fields, the save's error, Save (or Add) and, while a row
 * is open, Cancel. Opening a row brings the form into view with its first field focused.
 */
export function ListForm({
  title,
  className,
  editing,
  addLabel,
  busy,
  error,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  /** Classes beside admin-form. */
  className?: string;
  editing: boolean;
  addLabel: string;
  busy: boolean;
  error: string | undefined;
  onSubmit(event: FormEvent<HTMLFormElement>): void | Promise<void>;
  onCancel(): void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const formRef = useRef<HTMLFormElement>(null);
  useEditorInView(formRef, editing);
  return (
    <form ref={formRef} className={className ? `admin-form ${className}` : 'admin-form'} onSubmit={(event) => void onSubmit(event)} aria-label={title}>
      <h2>{title}</h2>
      {children}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {editing ? t('admin.save') : addLabel}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('admin.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
