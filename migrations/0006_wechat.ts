import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * What the WeChat connectors keep between requests and across processes: one access token per
 * channel for the whole cluster (sealed; refreshed under a row lock), the customer-service reply
 * window of each follower (opened by their last message, with the replies sent in it), and the
 * welcome replies already given (a subscribe event sent twice welcomes once), and WeCom customer
 * service's sync_msg cursor per customer-service account, advanced only after the bus confirmed.
 */
const up = [
  `CREATE TABLE wechat_access_tokens (
    channel_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    sealed_token text NOT NULL,
    expires_at timestamptz NOT NULL,
    refreshed_at timestamptz NOT NULL DEFAULT now(),
    refresh_count integer NOT NULL DEFAULT 1,
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE wechat_reply_windows (
    channel_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    open_id text NOT NULL,
    opened_at timestamptz NOT NULL,
    sent integer NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, open_id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE wechat_welcomes (
    channel_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    event_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, event_key),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE wecom_kf_cursors (
    channel_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    open_kfid text NOT NULL,
    cursor text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, open_kfid),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
];

const down = [`DROP TABLE wecom_kf_cursors`, `DROP TABLE wechat_welcomes`, `DROP TABLE wechat_reply_windows`, `DROP TABLE wechat_access_tokens`];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
