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
/**
 * A table named to a query: to the query builder (selectFrom('tickets'), innerJoin('tickets as t', …),
 * sql.table('tickets')), in SQL (from / join / update / into tickets), or as the `table` of a
 * lookup ({ table: 'automations', … }).
 */
const USE = new RegExp(
  [
    `\\b(?:selectFrom|updateTable|deleteFrom|insertInto|mergeInto|table|(?:inner|left|right|full|cross)?Join)\\(\\s*['"\`](?:${names})\\b`,
    `\\b(?:from|join|update|into)\\s+(?:${names})\\b`,
    `\\btable:\\s*['"\`](?:${names})['"\`]`,
  ].join('|'),
  'i',
);

/**
 * Where no ticket table may be named: every folder of TypeScript source but the tickets module's
 * own. Left out besides: migrations (the tables' history, each module's own), tests and their
 * fixtures (they arrange and inspect rows), the browser console (console/web: it reaches the
 * server through its API only, and its words for people would read as SQL here), and what is
 * built or installed.
 */
const SKIPPED_FOLDERS = new Set(['tickets', 'migrations', 'test', 'fixtures', 'node_modules', 'dist', 'docs', 'web']);
const skipped = (path: string, name: string) => SKIPPED_FOLDERS.has(name) && (name !== 'web' || path === join(repo, 'console'));

/**
 * Queries on ticket tables outside tickets/ that stay, each with why and what would remove it. An
 * entry that no longer matches fails the test too, so the list only shrinks.
 */
const ALLOWED: { file: string; line: string; why: string }[] = [
  {
    file: 'console/server/audit-names.ts',
    line: "automation: { table: 'automations', column: 'name' },",
    why:
      'the audit log is the console’s record of every module’s changes: to write its entries as sentences it reads, by id, ' +
      'the one name column of what an entry points at, in every module (the call center’s call_tasks and ivr_flows too) and ' +
      'writes nothing; goes when each module hands the audit log the names of its things through its part.ts',
  },
  { file: 'console/server/audit-names.ts', line: "sla_policy: { table: 'sla_policies', column: 'name' },", why: 'as above' },
  { file: 'console/server/audit-names.ts', line: "ticket_field: { table: 'ticket_fields', column: 'label' },", why: 'as above' },
];

/** The TypeScript source files under `dir` (tests left out), and the top folders walked. */
function sources(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipped(dir, entry.name)) sources(path, found);
    } else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      found.push(path);
    }
  }
  return found;
}

/**
 * The other modules and the kernel reach tickets only through tickets/part.ts (the tickets
 * module's tables are its own): a query on a ticket table anywhere else fails here, with the file
 * and the line.
 */
describe('ticket tables', () => {
  const files = sources(repo).map((path) => relative(repo, path).split('\\').join('/'));

  it('are walked in every folder of code outside the tickets module', () => {
    const tops = new Set(files.map((file) => file.split('/')[0]));
    for (const folder of ['app', 'core', 'router', 'connectors', 'console', 'reports', 'webhooks', 'callcenter', 'crm', 'surveys', 'knowledge', 'assistant'])
      expect(tops, folder).toContain(folder);
    expect(files.some((file) => file.startsWith('console/server/data-rights/'))).toBe(true);
    expect(files.some((file) => file.startsWith('tickets/') || file.startsWith('console/web/') || file.includes('/migrations/'))).toBe(false);
  });

  it('are read and written by the other modules and the kernel only through the tickets module’s part', () => {
    const found: { file: string; line: string; at: number }[] = [];
    for (const file of files) {
      readFileSync(join(repo, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (USE.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)) found.push({ file, line: line.trim(), at: index + 1 });
        });
    }
    const allowed = (f: { file: string; line: string }) => ALLOWED.some((a) => a.file === f.file && a.line === f.line);
    expect(found.filter((f) => !allowed(f)).map((f) => `${f.file}:${f.at}: ${f.line}`)).toEqual([]);
    expect(ALLOWED.filter((a) => !found.some((f) => f.file === a.file && f.line === a.line)).map((a) => `${a.file}: ${a.line}`)).toEqual([]);
  });
});
