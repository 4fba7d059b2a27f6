import type { ColumnType, Generated } from 'kysely';

/**
 * The CRM's tables (migrations/0012_crm.ts), merged into `Database` by declaration merging rather
 * than a `withTables` view: the kernel's contact matching (core/contacts/verified-match.ts), the
 * console's data rights and its ownership checks read them too, inside transactions typed with
 * the kernel's `Database`. The columns 0012 adds to `contacts` are the kernel's (core/db/schema.ts).
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = unknown> = ColumnType<T, T | string, T | string>;
type Optional<T> = ColumnType<T, T | undefined, T>;

export type HandleKind = 'email' | 'phone' | 'wechat_openid' | 'wechat_unionid' | 'weibo' | 'x' | 'app_user' | 'web_visitor';
export const HANDLE_KINDS: readonly HandleKind[] = ['email', 'phone', 'wechat_openid', 'wechat_unionid', 'weibo', 'x', 'app_user', 'web_visitor'];

export interface CompanyTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  domain: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactHandleTable {
  id: Generated<string>;
  tenant_id: string;
  contact_id: string;
  kind: HandleKind;
  value: string;
  created_at: Timestamp;
}

export interface ContactNoteTable {
  id: Generated<string>;
  tenant_id: string;
  contact_id: string;
  author_id: string | null;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The ids a merge moved from the source to the target, table by table, so undo moves exactly those back. */
export type MergeMoved = Record<string, string[]>;
/** The target's own fields before and after a merge. */
export interface ContactFields {
  name: string | null;
  email: string | null;
  phone: string | null;
  company_id: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

export interface ContactMergeTable {
  id: Generated<string>;
  tenant_id: string;
  target_id: string;
  source_id: string;
  moved: Json<MergeMoved>;
  target_before: Json<ContactFields>;
  target_after: Json<ContactFields>;
  merged_by: string | null;
  created_at: Timestamp;
  undone_at: NullableTimestamp;
  undone_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ContactImportTable {
  id: Generated<string>;
  tenant_id: string;
  created_by: string | null;
  file_name: string;
  file_path: string;
  /** bigint: comes back from pg as a string. */
  total_bytes: ColumnType<string, number | string, number | string>;
  status: Generated<ImportStatus>;
  rows_done: Optional<number>;
  bytes_done: ColumnType<string, number | string | undefined, number | string>;
  created_count: Optional<number>;
  updated_count: Optional<number>;
  failed_count: Optional<number>;
  error: ColumnType<string | null, string | null | undefined, string | null>;
  /** Until when a console process works on it; a lapsed lease lets another resume it. */
  lease_until: NullableTimestamp;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface ContactImportErrorTable {
  tenant_id: string;
  import_id: string;
  row_number: number;
  message: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    companies: CompanyTable;
    contact_handles: ContactHandleTable;
    contact_notes: ContactNoteTable;
    contact_merges: ContactMergeTable;
    contact_imports: ContactImportTable;
    contact_import_errors: ContactImportErrorTable;
  }
}
