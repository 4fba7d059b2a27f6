import { sql, type Kysely } from 'kysely';

/**
 * The knowledge base: articles in Chinese or English, every earlier save of each (restorable),
 * links between related articles, and the images their bodies show.
 *
 * An article's text vector is stored with its row, built by the same per-character tokenizer
 * as message search (sb_search_vector, migrations/0012_crm.ts: every CJK character a word, so
 * "退货" is the phrase 退 <-> 货 and needs no dictionary), the title weighted A and the body B,
 * so a hit in the title ranks first. Images are kept in the database as bytes: they belong to
 * no channel (the attachment store's files all do), are small, and go with a backup.
 */
const up = [
  `CREATE TABLE knowledge_articles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    locale text NOT NULL CHECK (locale IN ('zh', 'en')),
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    body_text text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    version integer NOT NULL DEFAULT 1,
    created_by uuid,
    updated_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    search_vector tsvector GENERATED ALWAYS AS (
      setweight(sb_search_vector(title), 'A') || setweight(sb_search_vector(body_text), 'B')
    ) STORED,
    UNIQUE (tenant_id, id)
  )`,
  'CREATE INDEX knowledge_articles_search ON knowledge_articles USING gin (search_vector)',
  'CREATE INDEX knowledge_articles_list ON knowledge_articles (tenant_id, state, locale, updated_at DESC)',
  // Versions and related articles check their article by (tenant_id, id): an index led by the id
  // keeps that check one row, where the list index would read the company's articles (see 0035).
  'CREATE UNIQUE INDEX knowledge_articles_id_tenant ON knowledge_articles (id, tenant_id)',
  `CREATE TABLE knowledge_article_versions (
    tenant_id uuid NOT NULL,
    article_id uuid NOT NULL,
    version integer NOT NULL,
    locale text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    category text NOT NULL,
    state text NOT NULL,
    saved_by uuid,
    saved_at timestamptz NOT NULL,
    PRIMARY KEY (article_id, version),
    FOREIGN KEY (tenant_id, article_id) REFERENCES knowledge_articles(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE knowledge_related (
    tenant_id uuid NOT NULL,
    article_id uuid NOT NULL,
    related_id uuid NOT NULL,
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, related_id),
    CHECK (article_id <> related_id),
    FOREIGN KEY (tenant_id, article_id) REFERENCES knowledge_articles(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, related_id) REFERENCES knowledge_articles(tenant_id, id) ON DELETE CASCADE
  )`,
  'CREATE INDEX knowledge_related_back ON knowledge_related (related_id)',
  `CREATE TABLE knowledge_images (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    mime_type text NOT NULL,
    size integer NOT NULL CHECK (size > 0),
    sha256 text NOT NULL,
    bytes bytea NOT NULL,
    uploaded_by uuid,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX knowledge_images_tenant ON knowledge_images (tenant_id, created_at)',
];
const down = ['DROP TABLE knowledge_images', 'DROP TABLE knowledge_related', 'DROP TABLE knowledge_article_versions', 'DROP TABLE knowledge_articles'];

export const migration = {
  up: async (db: Kysely<any>) => {
    for (const statement of up) await sql.raw(statement).execute(db);
  },
  down: async (db: Kysely<any>) => {
    for (const statement of down) await sql.raw(statement).execute(db);
  },
};
