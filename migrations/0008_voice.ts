import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The call center: phone menus (IVR) as data, where each agent's phone rings, and one call
 * record per call with its timeline; callback plans agents make for customers. A call's conversation is found by its channel and thread
 * key (the provider's call id), so the record needs no link the router would have to write.
 * It stays with the kernel's migrations, not in callcenter/: the voice connector and the router
 * use its calls, call_events, ivr_flows, voice_endpoints and callback_plans.
 */
const up = [
  `CREATE TABLE ivr_flows (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    definition jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE voice_endpoints (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    sip text,
    webrtc text,
    mobile text,
    wrap_up_seconds integer NOT NULL DEFAULT 0 CHECK (wrap_up_seconds BETWEEN 0 AND 3600),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE calls (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    provider_call_id text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('in', 'out')),
    from_number text NOT NULL,
    to_number text NOT NULL,
    state text NOT NULL DEFAULT 'ivr' CHECK (state IN ('ivr', 'queued', 'ringing', 'answered', 'ended')),
    ivr_flow_id uuid,
    ivr_menu text,
    ivr_retries integer NOT NULL DEFAULT 0,
    group_id uuid,
    agent_id uuid,
    agent_leg_id text,
    bridge_id text,
    started_at timestamptz NOT NULL DEFAULT now(),
    queued_at timestamptz,
    ringing_at timestamptz,
    answered_at timestamptz,
    ended_at timestamptz,
    wait_seconds integer,
    talk_seconds integer,
    recording_ref text,
    disposition text,
    cause text,
    UNIQUE (channel_id, provider_call_id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX calls_agent ON calls (tenant_id, agent_id, state)`,
  `CREATE INDEX calls_started ON calls (tenant_id, started_at DESC)`,
  `CREATE TABLE call_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    call_id uuid NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    kind text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`,
  `CREATE INDEX call_events_call ON call_events (call_id, id)`,
  `CREATE TABLE callback_plans (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    contact_id uuid NOT NULL,
    phone text NOT NULL,
    agent_id uuid NOT NULL,
    due_at timestamptz NOT NULL,
    note text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled')),
    result text,
    call_id uuid REFERENCES calls(id) ON DELETE SET NULL,
    created_by uuid,
    reminded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX callback_plans_agent ON callback_plans (tenant_id, agent_id, status, due_at)`,
  `CREATE TABLE call_tasks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE call_task_agents (
    tenant_id uuid NOT NULL,
    task_id uuid NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (task_id, user_id),
    FOREIGN KEY (tenant_id, task_id) REFERENCES call_tasks(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE call_task_targets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    task_id uuid NOT NULL,
    position integer NOT NULL,
    name text,
    phone text NOT NULL,
    contact_id uuid,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done')),
    agent_id uuid,
    claimed_at timestamptz,
    result text,
    note text,
    done_at timestamptz,
    UNIQUE (task_id, phone),
    FOREIGN KEY (tenant_id, task_id) REFERENCES call_tasks(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX call_task_targets_next ON call_task_targets (task_id, status, position)`,
  `CREATE TABLE business_records (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL,
    call_id uuid REFERENCES calls(id) ON DELETE SET NULL,
    contact_id uuid NOT NULL,
    subject text NOT NULL,
    fields jsonb NOT NULL DEFAULT '{}',
    body text NOT NULL DEFAULT '',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX business_records_contact ON business_records (tenant_id, contact_id, created_at DESC)`,
];

const down = [
  'DROP TABLE business_records',
  'DROP TABLE call_task_targets',
  'DROP TABLE call_task_agents',
  'DROP TABLE call_tasks',
  'DROP TABLE callback_plans',
  'DROP TABLE call_events',
  'DROP TABLE calls',
  'DROP TABLE voice_endpoints',
  'DROP TABLE ivr_flows',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
