import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Reports. Two history tables written by triggers in the same transaction as the change they
 * record (whatever code path makes it): each conversation status change, and each agent status
 * change, with the time the row itself gives. The rollups are per company, hour (UTC), channel,
 * group and agent; they are rebuilt from the raw tables (conversations, messages, calls, these
 * histories, survey answers) and kept current by the reports consumer of the outbox events.
 * Survey answers: one per conversation.
 */
const up = [
  `CREATE TABLE report_conversation_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('created', 'queued', 'assigned', 'first_response', 'resolved', 'reopened')),
    at timestamptz NOT NULL,
    channel_id uuid NOT NULL,
    group_id uuid,
    agent_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    since timestamptz,
    wait_since timestamptz,
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX report_conversation_log_at ON report_conversation_log (tenant_id, at)`,
  `CREATE INDEX report_conversation_log_conversation ON report_conversation_log (conversation_id, at)`,
  // since: where the measured span starts (creation for a first response, creation or the last
  // reopening for a resolution); wait_since: when the wait in the queue this change ends began.
  `CREATE FUNCTION report_log_conversation() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    contact_tags text[];
    opened timestamptz;
  BEGIN
    SELECT tags INTO contact_tags FROM contacts WHERE id = NEW.contact_id;
    contact_tags := coalesce(contact_tags, '{}');
    IF TG_OP = 'INSERT' THEN
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags)
        VALUES (NEW.tenant_id, NEW.id, 'created', NEW.created_at, NEW.channel_id, NEW.group_id, NEW.assignee_id, contact_tags);
      IF NEW.status = 'queued' THEN
        INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags)
          VALUES (NEW.tenant_id, NEW.id, 'queued', coalesce(NEW.queued_at, NEW.created_at), NEW.channel_id, NEW.group_id, NULL, contact_tags);
      ELSIF NEW.status = 'assigned' THEN
        INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags)
          VALUES (NEW.tenant_id, NEW.id, 'assigned', coalesce(NEW.assigned_at, NEW.created_at), NEW.channel_id, NEW.group_id, NEW.assignee_id, contact_tags);
      END IF;
      RETURN NEW;
    END IF;
    IF OLD.first_response_at IS NULL AND NEW.first_response_at IS NOT NULL THEN
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags, since)
        VALUES (NEW.tenant_id, NEW.id, 'first_response', NEW.first_response_at, NEW.channel_id, NEW.group_id, NEW.assignee_id, contact_tags, NEW.created_at);
    END IF;
    IF OLD.status = 'resolved' AND NEW.status <> 'resolved' THEN
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags)
        VALUES (NEW.tenant_id, NEW.id, 'reopened', NEW.updated_at, NEW.channel_id, NEW.group_id, OLD.assignee_id, contact_tags);
    END IF;
    IF NEW.status = 'queued' AND (OLD.status <> 'queued' OR NEW.group_id IS DISTINCT FROM OLD.group_id) THEN
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags, wait_since)
        VALUES (NEW.tenant_id, NEW.id, 'queued', coalesce(NEW.queued_at, NEW.updated_at), NEW.channel_id, NEW.group_id, NULL, contact_tags,
                CASE WHEN OLD.status = 'queued' THEN OLD.queued_at END);
    END IF;
    IF NEW.status = 'assigned' AND (OLD.status <> 'assigned' OR NEW.assignee_id IS DISTINCT FROM OLD.assignee_id) THEN
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags, wait_since)
        VALUES (NEW.tenant_id, NEW.id, 'assigned', coalesce(NEW.assigned_at, NEW.updated_at), NEW.channel_id, NEW.group_id, NEW.assignee_id, contact_tags,
                CASE WHEN OLD.status = 'queued' THEN OLD.queued_at END);
    END IF;
    IF NEW.status = 'resolved' AND OLD.status <> 'resolved' THEN
      SELECT max(at) INTO opened FROM report_conversation_log WHERE conversation_id = NEW.id AND kind = 'reopened';
      INSERT INTO report_conversation_log (tenant_id, conversation_id, kind, at, channel_id, group_id, agent_id, tags, since, wait_since)
        VALUES (NEW.tenant_id, NEW.id, 'resolved', coalesce(NEW.resolved_at, NEW.updated_at), NEW.channel_id, NEW.group_id, OLD.assignee_id, contact_tags,
                coalesce(opened, NEW.created_at), CASE WHEN OLD.status = 'queued' THEN OLD.queued_at END);
    END IF;
    RETURN NEW;
  END
  $$`,
  `CREATE TRIGGER report_log_conversation_insert AFTER INSERT ON conversations
     FOR EACH ROW EXECUTE FUNCTION report_log_conversation()`,
  // Most updates only touch last_message_at: the trigger runs only for the changes it records.
  `CREATE TRIGGER report_log_conversation_update AFTER UPDATE ON conversations
     FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
       OR OLD.group_id IS DISTINCT FROM NEW.group_id OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at)
     EXECUTE FUNCTION report_log_conversation()`,
  `CREATE TABLE report_agent_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    status text NOT NULL,
    at timestamptz NOT NULL,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX report_agent_log_agent ON report_agent_log (tenant_id, agent_id, at)`,
  `CREATE INDEX report_agent_log_at ON report_agent_log (tenant_id, at)`,
  `CREATE FUNCTION report_log_agent() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' OR NEW.agent_status IS DISTINCT FROM OLD.agent_status THEN
      INSERT INTO report_agent_log (tenant_id, agent_id, status, at) VALUES (NEW.tenant_id, NEW.id, NEW.agent_status, NEW.status_changed_at);
    END IF;
    RETURN NEW;
  END
  $$`,
  `CREATE TRIGGER report_log_agent AFTER INSERT OR UPDATE OF agent_status ON users
     FOR EACH ROW EXECUTE FUNCTION report_log_agent()`,
  `CREATE TABLE report_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    service_level_seconds integer NOT NULL DEFAULT 20 CHECK (service_level_seconds > 0),
    surveys_enabled boolean NOT NULL DEFAULT true
  )`,
  `CREATE TABLE csat_responses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    conversation_id uuid NOT NULL UNIQUE,
    rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment text NOT NULL DEFAULT '',
    via text NOT NULL,
    channel_id uuid NOT NULL,
    group_id uuid,
    agent_id uuid,
    answered_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX csat_responses_at ON csat_responses (tenant_id, answered_at)`,
  `CREATE TABLE csat_invitations (
    conversation_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE report_conversations_hourly (
    tenant_id uuid NOT NULL,
    hour timestamptz NOT NULL,
    channel_id uuid NOT NULL,
    group_id uuid,
    agent_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    created integer NOT NULL DEFAULT 0,
    first_responses integer NOT NULL DEFAULT 0,
    first_response_seconds bigint NOT NULL DEFAULT 0,
    first_response_business_seconds bigint NOT NULL DEFAULT 0,
    resolved integer NOT NULL DEFAULT 0,
    resolution_seconds bigint NOT NULL DEFAULT 0,
    resolution_business_seconds bigint NOT NULL DEFAULT 0,
    reopened integer NOT NULL DEFAULT 0,
    handled integer NOT NULL DEFAULT 0,
    queued integer NOT NULL DEFAULT 0,
    queue_waits integer NOT NULL DEFAULT 0,
    queue_wait_seconds bigint NOT NULL DEFAULT 0,
    abandoned integer NOT NULL DEFAULT 0,
    abandoned_wait_seconds bigint NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX report_conversations_hourly_hour ON report_conversations_hourly (tenant_id, hour)`,
  `CREATE TABLE report_messages_hourly (
    tenant_id uuid NOT NULL,
    hour timestamptz NOT NULL,
    channel_id uuid NOT NULL,
    agent_id uuid,
    messages_in integer NOT NULL DEFAULT 0,
    messages_out integer NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX report_messages_hourly_hour ON report_messages_hourly (tenant_id, hour)`,
  `CREATE TABLE report_agent_states_hourly (
    tenant_id uuid NOT NULL,
    hour timestamptz NOT NULL,
    agent_id uuid NOT NULL,
    online_seconds integer NOT NULL DEFAULT 0,
    busy_seconds integer NOT NULL DEFAULT 0,
    away_seconds integer NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX report_agent_states_hourly_hour ON report_agent_states_hourly (tenant_id, hour)`,
  `CREATE TABLE report_calls_hourly (
    tenant_id uuid NOT NULL,
    hour timestamptz NOT NULL,
    channel_id uuid NOT NULL,
    group_id uuid,
    agent_id uuid,
    offered integer NOT NULL DEFAULT 0,
    answered integer NOT NULL DEFAULT 0,
    abandoned integer NOT NULL DEFAULT 0,
    answered_wait_seconds bigint NOT NULL DEFAULT 0,
    answered_within_sl integer NOT NULL DEFAULT 0,
    talk_seconds bigint NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX report_calls_hourly_hour ON report_calls_hourly (tenant_id, hour)`,
  `CREATE TABLE report_csat_hourly (
    tenant_id uuid NOT NULL,
    hour timestamptz NOT NULL,
    channel_id uuid NOT NULL,
    group_id uuid,
    agent_id uuid,
    responses integer NOT NULL DEFAULT 0,
    rating_sum integer NOT NULL DEFAULT 0,
    satisfied integer NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX report_csat_hourly_hour ON report_csat_hourly (tenant_id, hour)`,
  `CREATE INDEX calls_ended ON calls (tenant_id, ended_at)`,
  `CREATE INDEX messages_tenant_created ON messages (tenant_id, created_at)`,
];

const down = [
  'DROP INDEX messages_tenant_created',
  'DROP INDEX calls_ended',
  'DROP TABLE report_csat_hourly',
  'DROP TABLE report_calls_hourly',
  'DROP TABLE report_agent_states_hourly',
  'DROP TABLE report_messages_hourly',
  'DROP TABLE report_conversations_hourly',
  'DROP TABLE csat_invitations',
  'DROP TABLE csat_responses',
  'DROP TABLE report_settings',
  'DROP TRIGGER report_log_agent ON users',
  'DROP FUNCTION report_log_agent',
  'DROP TABLE report_agent_log',
  'DROP TRIGGER report_log_conversation_update ON conversations',
  'DROP TRIGGER report_log_conversation_insert ON conversations',
  'DROP FUNCTION report_log_conversation',
  'DROP TABLE report_conversation_log',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
