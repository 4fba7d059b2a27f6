import { useCallback, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { useI18n } from '../i18n/i18n.js';
import { describeError } from '../pages/describe-error.js';
import { CopyButton } from './CopyButton.js';
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

/** What the server gives out once (a signing secret, an invitation link), with what it is for. */
export interface ShownOnce {
  message: string;
  value: string;
  /** Classes beside token-once. */
  className?: string;
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
 * list (a table from `columns`, or a `list` of its own), Edit, the page's own actions and Delete on
 * each row (the delete behind a confirm), an empty state, and the add/edit form under it all.
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
  editable = true,
  rowLabels,
  dangerDelete,
  confirmDelete,
  extraActions,
  currentId,
  tableLabel,
  lead,
  shownOnce,
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
  /** False where a row is replaced rather than edited: Delete only. */
  editable?: boolean;
  /** How Edit and Delete read out where the page names its rows its own way ("Edit the field Size"). */
  rowLabels?: RowLabels<T>;
  /** Delete drawn as a red button, where a delete takes more with it (a webhook's log). */
  dangerDelete?: boolean;
  confirmDelete?: DeleteConfirm<T>;
  /** The page's own buttons on a row, between Edit and Delete. */
  extraActions?(row: T): ReactNode;
  /** The row open below the list (its log, its settings), marked as the current one. */
  currentId?: string;
  /** The table's name where it is not the page's title. */
  tableLabel?: string;
  /** Shown under the hint, above the notice (a set-up warning, say). */
  lead?: ReactNode;
  /** A secret or link the server gives out once, to copy now: under the notice. */
  shownOnce?: ShownOnce;
  /** Shown above the list, under the notice. */
  banner?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const isEmpty = rows?.length === 0;
  const hasActions = editor !== undefined || extraActions !== undefined;
  const table = columns && !(empty && isEmpty) && (
    <table className="admin-table" aria-label={tableLabel ?? title}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
          {hasActions && (
            <th scope="col">
              <span className="visually-hidden">{t('admin.actions')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows?.map((row) => (
          <tr key={row.id} aria-current={row.id === currentId ? 'true' : undefined}>
            {columns.map((column) => (
              <td key={column.header} className={column.className}>
                {column.cell(row)}
              </td>
            ))}
            {hasActions && (
              <td>
                {editor ? (
                  <RowActions
                    name={nameOf(row)}
                    labels={rowLabels && { edit: rowLabels.edit(row), delete: rowLabels.delete(row) }}
                    onEdit={editable ? () => editor.edit(row) : undefined}
                    onDelete={confirmDelete && (() => editor.askDelete(row))}
                    danger={dangerDelete}
                  >
                    {extraActions?.(row)}
                  </RowActions>
                ) : (
                  extraActions?.(row)
                )}
              </td>
            )}
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
      {lead}
      {notice && <p role="status">{notice}</p>}
      {shownOnce && (
        <div className={shownOnce.className ? `token-once ${shownOnce.className}` : 'token-once'} role="status">
          <p>{shownOnce.message}</p>
          <code>{shownOnce.value}</code> <CopyButton text={shownOnce.value} />
        </div>
      )}
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

/** How a row's Edit and Delete read out, where not "Edit {name}" and "Delete {name}". */
export interface RowLabels<T> {
  edit(row: T): string;
  delete(row: T): string;
}

/** Edit, the page's own buttons for the row, and Delete, read out with the row's name. */
export function RowActions({
  name,
  labels,
  onEdit,
  onDelete,
  danger,
  children,
}: {
  name: string;
  labels?: { edit: string; delete: string };
  onEdit?: () => void;
  onDelete?: () => void;
  danger?: boolean;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      {onEdit && (
        <button type="button" className="link" onClick={onEdit} aria-label={labels?.edit ?? t('admin.editNamed', { name })}>
          {t('admin.edit')}
        </button>
      )}
      {children}
      {onDelete && (
        <button type="button" className={danger ? 'link danger' : 'link'} onClick={onDelete} aria-label={labels?.delete ?? t('admin.deleteNamed', { name })}>
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
  saveLabel,
  busy = false,
  error,
  onSubmit,
  onCancel,
  formRef: givenRef,
  children,
}: {
  title: string;
  /** Classes beside admin-form. */
  className?: string;
  editing: boolean;
  addLabel: string;
  /** The submit's words while a row is open, where not "Save". */
  saveLabel?: string;
  busy?: boolean;
  error: string | undefined;
  onSubmit(event: FormEvent<HTMLFormElement>): void | Promise<void>;
  /** Only a form that opens rows has Cancel. */
  onCancel?: () => void;
  /** For a page that reads the form before it is sent (a connection test, say). */
  formRef?: RefObject<HTMLFormElement | null>;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const ownRef = useRef<HTMLFormElement>(null);
  const formRef = givenRef ?? ownRef;
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
          {editing ? (saveLabel ?? t('admin.save')) : addLabel}
        </button>
        {editing && onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('admin.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
