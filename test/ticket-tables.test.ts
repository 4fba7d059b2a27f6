import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
/** The tables the tickets module owns (typed in tickets/schema.ts). */
const TICKET_TABLES = [
  'ticket_settings',
  'tickets',
  'ticket_followers',
  'ticket_comments',
  'ticket_history',
  'ticket_fields',
  'ticket_views',
  'sla_policies',
  'automations',
  'automation_runs',
];
const names = TICKET_TABLES.join('|');
/** A table named to the query builder (selectFrom('tickets'), innerJoin('tickets as t', …)) or in SQL (from / join / update / into tickets). */
const USE = new RegExp(
  `\\b(?:selectFrom|updateTable|deleteFrom|insertInto|(?:inner|left|right|full)?Join)\\(\\s*['"\`](?:${names})\\b|\\b(?:from|join|update|into)\\s+(?:${names})\\b`,
  'i',
);

/**
 * The customer record and the data rights reach tickets only through tickets/part.ts (the
 * tickets module's tables are its own): a query on a ticket table in their code fails here.
 */
describe('ticket tables', () => {
  it('are read and written by the CRM and the data rights only through the tickets module’s part', () => {
    const found: string[] = [];
    for (const folder of ['crm', 'console/server/data-rights']) {
      for (const entry of readdirSync(join(repo, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
        const path = join(entry.parentPath, entry.name);
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (USE.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)) found.push(`${relative(repo, path)}:${index + 1}: ${line.trim()}`);
          });
      }
    }
    expect(found).toEqual([]);
  });
});
