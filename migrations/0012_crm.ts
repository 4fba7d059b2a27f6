import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * One customer record across channels (CRM): companies, identifiers that are not tied to one
 * channel (an e-mail address, a phone number, a WeChat UnionID…), notes, merges that can be
 * undone, CSV imports with their per-row errors, and the indexes search runs on.
 *
 * Search: contacts' name, e-mail and phone by trigram (pg_trgm, shipped by PostgreSQL and by
 * PGlite); messages by a text-search vector in which every CJK character is a word of its own,
 * so a phrase query finds any run of Chinese characters ("退款" in "我要退款") whatever the
 * database's locale and however short the query — trigrams need three characters to use an index.
 *
 * The kernel's, not the crm/ module's, though most of its tables are the CRM's: it also adds
 * columns and indexes to `contacts`, and search indexes to `messages` and `tickets`.
 */
const up = [
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  `CREATE TABLE companies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    domain text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE UNIQUE INDEX companies_tenant_name ON companies (tenant_id, lower(name))`,
  `ALTER TABLE contacts ADD COLUMN company_id uuid`,
  `ALTER TABLE contacts ADD COLUMN merged_into_id uuid`,
  `ALTER TABLE contacts ADD COLUMN merged_at timestamptz`,
  `ALTER TABLE contacts ADD CONSTRAINT contacts_company FOREIGN KEY (tenant_id, company_id) REFERENCES companies(tenant_id, id) ON DELETE SET NULL (company_id)`,
  `CREATE INDEX contacts_tenant_email ON contacts (tenant_id, lower(email)) WHERE email IS NOT NULL`,
  `CREATE INDEX contacts_tenant_phone ON contacts (tenant_id, regexp_replace(phone, '[^0-9]', '', 'g')) WHERE phone IS NOT NULL`,
  `CREATE INDEX contacts_name_trgm ON contacts USING gin (name gin_trgm_ops)`,
  `CREATE INDEX contacts_email_trgm ON contacts USING gin (email gin_trgm_ops)`,
  `CREATE INDEX contacts_phone_trgm ON contacts USING gin (phone gin_trgm_ops)`,
  `CREATE INDEX contacts_company ON contacts (tenant_id, company_id) WHERE company_id IS NOT NULL`,
  `CREATE TABLE contact_handles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('email', 'phone', 'wechat_openid', 'wechat_unionid', 'weibo', 'x', 'app_user', 'web_visitor')),
    value text NOT NULL CHECK (length(value) BETWEEN 1 AND 320),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (contact_id, kind, value),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX contact_handles_value ON contact_handles (tenant_id, kind, lower(value))`,
  `CREATE TABLE contact_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    author_id uuid,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX contact_notes_contact ON contact_notes (tenant_id, contact_id, created_at DESC)`,
  `CREATE TABLE contact_merges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    target_id uuid NOT NULL,
    source_id uuid NOT NULL,
    moved jsonb NOT NULL,
    target_before jsonb NOT NULL,
    target_after jsonb NOT NULL,
    merged_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    undone_at timestamptz,
    undone_by uuid,
    UNIQUE (tenant_id, id)
  )`,
  `CREATE INDEX contact_merges_target ON contact_merges (tenant_id, target_id, created_at DESC)`,
  `CREATE INDEX contact_merges_source ON contact_merges (tenant_id, source_id, created_at DESC)`,
  `CREATE TABLE contact_imports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    created_by uuid,
    file_name text NOT NULL,
    file_path text NOT NULL,
    total_bytes bigint NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    rows_done integer NOT NULL DEFAULT 0,
    bytes_done bigint NOT NULL DEFAULT 0,
    created_count integer NOT NULL DEFAULT 0,
    updated_count integer NOT NULL DEFAULT 0,
    failed_count integer NOT NULL DEFAULT 0,
    error text,
    lease_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (tenant_id, id)
  )`,
  `CREATE INDEX contact_imports_open ON contact_imports (status) WHERE status IN ('queued', 'running')`,
  `CREATE TABLE contact_import_errors (
    tenant_id uuid NOT NULL,
    import_id uuid NOT NULL,
    row_number integer NOT NULL,
    message text NOT NULL,
    PRIMARY KEY (import_id, row_number),
    FOREIGN KEY (tenant_id, import_id) REFERENCES contact_imports(tenant_id, id) ON DELETE CASCADE
  )`,
  // Each CJK character (and full-width form) becomes a word of its own; Latin words stay whole.
  `CREATE FUNCTION sb_search_spaced(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
     RETURN regexp_replace(input, '([\\u2e80-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\uff00-\\uffef])', ' \\1 ', 'g')`,
  `CREATE FUNCTION sb_message_text(content jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
     RETURN array_to_string(ARRAY(SELECT jsonb_array_elements_text(jsonb_path_query_array(content, '$[*].text'))), ' ')`,
  `CREATE FUNCTION sb_search_vector(input text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
     RETURN to_tsvector('simple'::regconfig, sb_search_spaced(coalesce(input, '')))`,
  `CREATE INDEX messages_search ON messages USING gin (sb_search_vector(sb_message_text(content)))`,
  `CREATE INDEX contact_notes_search ON contact_notes USING gin (sb_search_vector(body))`,
  `CREATE INDEX tickets_search ON tickets USING gin (sb_search_vector(subject || ' ' || description))`,
];

const down = [
  'DROP INDEX tickets_search',
  'DROP INDEX contact_notes_search',
  'DROP INDEX messages_search',
  'DROP FUNCTION sb_search_vector(text)',
  'DROP FUNCTION sb_message_text(jsonb)',
  'DROP FUNCTION sb_search_spaced(text)',
  'DROP TABLE contact_import_errors',
  'DROP TABLE contact_imports',
  'DROP TABLE contact_merges',
  'DROP TABLE contact_notes',
  'DROP TABLE contact_handles',
  'DROP INDEX contacts_company',
  'DROP INDEX contacts_phone_trgm',
  'DROP INDEX contacts_email_trgm',
  'DROP INDEX contacts_name_trgm',
  'DROP INDEX contacts_tenant_phone',
  'DROP INDEX contacts_tenant_email',
  'ALTER TABLE contacts DROP CONSTRAINT contacts_company',
  'ALTER TABLE contacts DROP COLUMN merged_at',
  'ALTER TABLE contacts DROP COLUMN merged_into_id',
  'ALTER TABLE contacts DROP COLUMN company_id',
  'DROP TABLE companies',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
