import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startProcess } from '../app/start.js';
import type { Role } from '../core/config/config.js';
import { loadConfig } from '../core/config/config.js';
import { JobRunner } from '../core/jobs/runner.js';
import { createLogger } from '../core/log/logger.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';

/** Every job kind a role's modules take, and the periodic tasks they run. */
const ROUTER_KINDS = ['router.auto_resolve', 'router.no_answer', 'router.overflow'];
const CONSOLE_KINDS = ['conversation.scheduled_reply', 'crm.contact_import', 'ticket.sla', 'voice.callback_due'];

/**
 * The `jobs` table has one poller per process: the composition root builds a runner, every
 * module of the process registers its kinds and tasks on it, and it alone polls. A process takes
 * only the kinds of the modules its roles run; a kind no process handles waits.
 */
describe('one job runner per process', () => {
  // The processes share one database: PostgreSQL when there is one, else the embedded one.
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let config: ReturnType<typeof loadConfig>;
  beforeAll(async () => {
    database = DATABASE_URL ? await freshDatabase('pg') : undefined;
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-one-runner-')), PORT: '0', HOST: '127.0.0.1', INBOUND_SHARDS: '1' };
    config = loadConfig(database?.url ? { ...env, DATABASE_URL: database.url, SECRET_KEY: 'ab'.repeat(32) } : env);
  });
  afterAll(() => database?.drop());
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function started(roles: Role[]) {
    const starts = vi.spyOn(JobRunner.prototype, 'start');
    const before = starts.mock.calls.length;
    const running = await startProcess(config, roles, createLogger('silent'));
    return { running, runnersStarted: starts.mock.calls.length - before };
  }

  it('runs every role’s jobs on the one runner of a process of all roles, and leaves a kind nobody handles', async () => {
    const { running, runnersStarted } = await started(['gateway', 'router', 'console']);
    try {
      expect(runnersStarted).toBe(1);
      expect(running.jobs.kinds().sort()).toEqual([...CONSOLE_KINDS, ...ROUTER_KINDS].sort());
      expect(running.jobs.tasks().sort()).toEqual(['assistant.bot-sweep', 'reports.increments', 'router.queue-sweep', 'ticket.time-rules']);
      const db = running.ctx.database.db;
      await db.insertInto('jobs').values({ kind: 'nobody.handles', run_at: sql<Date>`now()`, payload: '{}' }).execute();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const waiting = await db.selectFrom('jobs').select(['attempts', 'last_error']).where('kind', '=', 'nobody.handles').execute();
      expect(waiting).toEqual([{ attempts: 0, last_error: null }]);
    } finally {
      await running.stop();
    }
  });

  it('takes in each role’s process only the kinds of the modules it runs', async () => {
    const router = await started(['router']);
    try {
      expect(router.runnersStarted).toBe(1);
      expect(router.running.jobs.kinds().sort()).toEqual(ROUTER_KINDS);
      expect(router.running.jobs.tasks()).toEqual(['router.queue-sweep', 'reports.increments', 'assistant.bot-sweep']);
    } finally {
      await router.running.stop();
    }
    const console = await started(['console']);
    try {
      expect(console.runnersStarted).toBe(1);
      expect(console.running.jobs.kinds().sort()).toEqual(CONSOLE_KINDS);
      expect(console.running.jobs.tasks()).toEqual(['ticket.time-rules']);
    } finally {
      await console.running.stop();
    }
    const gateway = await started(['gateway']);
    try {
      expect(gateway.running.jobs.kinds()).toEqual([]);
    } finally {
      await gateway.running.stop();
    }
  });

  it('builds runners only in the composition root and in tests: no module makes one of its own', () => {
    expect(filesSaying('new JobRunner(', ['.'])).toEqual(['app/jobs.ts']);
  });

  it('keeps no poller of a module’s own beside the runner: its periodic work is a task on it', () => {
    // The list only shrinks: an entry whose file no longer keeps a timer fails too, so it is struck.
    expect(filesSaying('setInterval(', SERVER_MODULES)).toEqual(OWN_TIMERS.map((entry) => entry.file));
  });
});

const repo = resolve(import.meta.dirname, '..');

/** The server code of the modules a process starts, each of which may register on its runner. */
const SERVER_MODULES = ['app', 'router', 'console/server', 'reports', 'webhooks', 'tickets', 'callcenter', 'crm', 'surveys', 'knowledge', 'assistant'];

/** Modules' timers that are not periodic work for the runner, each with why. */
const OWN_TIMERS: { file: string; why: string }[] = [
  {
    file: 'console/server/realtime/hub.ts',
    why: 'closes this process’s own sockets that went silent, on time however long a runner’s pass takes; the presence sweep it also runs could move to the runner',
  },
];

/** The non-test files under `folders` whose text holds `needle`, relative to the repository, sorted. */
function filesSaying(needle: string, folders: readonly string[]): string[] {
  const skip = new Set(['node_modules', 'dist', '.git', 'web']);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && readFileSync(path, 'utf8').includes(needle)) found.push(relative(repo, path));
    }
  };
  for (const folder of folders) walk(join(repo, folder));
  const isTest = (file: string) => /\.test\.tsx?$/.test(file) || file.startsWith('test/');
  return found.filter((file) => !isTest(file)).sort();
}
