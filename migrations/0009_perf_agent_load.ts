import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Each agent's load — how many conversations of each kind are assigned to them now — kept as a
 * counter beside the conversations, so a routing decision reads one small row per agent instead
 * of counting that agent's conversations. Triggers on `conversations` keep it exact in the same
 * transaction as every change that moves a conversation into or out of an agent's hands (assign,
 * resolve, transfer, reopen, a deleted agent or tenant), whichever code path makes it.
 */
const up = [
  `CREATE TABLE agent_load (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('chat', 'email', 'voice')),
    assigned integer NOT NULL DEFAULT 0 CHECK (assigned >= 0),
    PRIMARY KEY (user_id, kind),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE FUNCTION agent_load_track() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP <> 'INSERT' THEN
      IF OLD.status = 'assigned' AND OLD.assignee_id IS NOT NULL THEN
        UPDATE agent_load SET assigned = assigned - 1 WHERE user_id = OLD.assignee_id AND kind = OLD.kind;
      END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      IF NEW.status = 'assigned' AND NEW.assignee_id IS NOT NULL THEN
        INSERT INTO agent_load (tenant_id, user_id, kind, assigned) VALUES (NEW.tenant_id, NEW.assignee_id, NEW.kind, 1)
        ON CONFLICT (user_id, kind) DO UPDATE SET assigned = agent_load.assigned + 1;
      END IF;
    END IF;
    RETURN NULL;
  END
  $$`,
  `CREATE TRIGGER conversations_agent_load_insert AFTER INSERT ON conversations FOR EACH ROW
     WHEN (NEW.status = 'assigned' AND NEW.assignee_id IS NOT NULL) EXECUTE FUNCTION agent_load_track()`,
  `CREATE TRIGGER conversations_agent_load_update AFTER UPDATE OF status, assignee_id, kind ON conversations FOR EACH ROW
     WHEN ((OLD.status = 'assigned' OR NEW.status = 'assigned')
       AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.kind IS DISTINCT FROM NEW.kind))
     EXECUTE FUNCTION agent_load_track()`,
  `CREATE TRIGGER conversations_agent_load_delete AFTER DELETE ON conversations FOR EACH ROW
     WHEN (OLD.status = 'assigned' AND OLD.assignee_id IS NOT NULL) EXECUTE FUNCTION agent_load_track()`,
  // What is assigned now (the migration runs in one transaction with the triggers).
  `INSERT INTO agent_load (tenant_id, user_id, kind, assigned)
     SELECT tenant_id, assignee_id, kind, count(*) FROM conversations
     WHERE status = 'assigned' AND assignee_id IS NOT NULL GROUP BY tenant_id, assignee_id, kind`,
];

const down = [
  'DROP TRIGGER conversations_agent_load_delete ON conversations',
  'DROP TRIGGER conversations_agent_load_update ON conversations',
  'DROP TRIGGER conversations_agent_load_insert ON conversations',
  'DROP FUNCTION agent_load_track()',
  'DROP TABLE agent_load',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
