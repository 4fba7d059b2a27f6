import { parseArgs } from 'node:util';
import { ConfigError, ROLES, loadConfig, type Role } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { openDatabase } from '../../core/db/database.js';
import { migrateDown, migrateUp, migrationStatus } from '../../core/db/migrate.js';
import { allMigrations } from '../../app/migrations.js';
import { seedDemo } from './seed.js';
import { startProcess } from '../../app/start.js';
import { scaffoldConnector } from './scaffold.js';
import { rebuildReports } from '../../reports/part.js';
import { BackupError, backupCommand, restoreCommand } from './backup.js';

const USAGE = `Usage:
  switchboard start [--role gateway,router,console]   run (all roles by default)
  switchboard migrate [up|down|status]                change or show the database schema
  switchboard seed demo                               add a demo company to look around in
  switchboard connector new <name>                    write connectors/<name> with a passing conformance test
  switchboard reports rebuild [--tenant <id>]         recompute every report rollup from the raw tables
  switchboard backup <file>                           embedded mode: database and stored files in one file, while running
  switchboard restore <file>                          embedded mode: into a fresh DATA_DIR, with the server stopped
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string' } } });
      const roles = parseRoles(values.role);
      const running = await startProcess(config, roles, logger);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          running.stop().then(resolve, (error) => {
            logger.error({ err: error }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
      return 0;
    }
    case 'migrate': {
      const action = rest[0] ?? 'up';
      const database = await openDatabase(config.database);
      try {
        if (action === 'up') print(await migrateUp(database.db, allMigrations), 'schema is up to date');
        else if (action === 'down') print(await migrateDown(database.db, allMigrations), 'nothing to revert');
        else if (action === 'status') {
          for (const m of await migrationStatus(database.db, allMigrations)) {
            process.stdout.write(`${m.executedAt ? 'applied' : 'pending'}  ${m.name}\n`);
          }
        } else throw new UsageError(`unknown migrate action "${action}"`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'seed': {
      if (rest[0] !== 'demo') throw new UsageError('only "seed demo" exists');
      const database = await openDatabase(config.database);
      try {
        await migrateUp(database.db, allMigrations);
        const { created } = await seedDemo(database.db);
        process.stdout.write(created ? 'demo company created (tenant "demo")\n' : 'demo company already there\n');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'reports': {
      if (rest[0] !== 'rebuild') throw new UsageError('use: switchboard reports rebuild [--tenant <id>]');
      const { values } = parseArgs({ args: rest.slice(1), options: { tenant: { type: 'string' } } });
      const database = await openDatabase(config.database);
      try {
        await migrateUp(database.db, allMigrations);
        const { tenants } = await rebuildReports(database.db, {
          tenantId: values.tenant,
          onProgress: (tenantId, upTo) => process.stdout.write(`${tenantId} rebuilt up to ${upTo.toISOString()}\n`),
        });
        process.stdout.write(`reports rebuilt for ${tenants} ${tenants === 1 ? 'company' : 'companies'}\n`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'backup': {
      if (!rest[0]) throw new UsageError('use: switchboard backup <file>');
      const { bytes, files, via } = await backupCommand(config, rest[0]);
      process.stdout.write(`backup written to ${rest[0]}: ${bytes} bytes, ${files} stored files${via === 'running' ? ' (taken by the running server)' : ''}\n`);
      return 0;
    }
    case 'restore': {
      if (!rest[0]) throw new UsageError('use: switchboard restore <file>');
      const { files } = await restoreCommand(config, rest[0]);
      process.stdout.write(`restored ${rest[0]} into ${config.dataDir} (${files} stored files); start switchboard to serve it\n`);
      return 0;
    }
    case 'connector': {
      if (rest[0] !== 'new' || !rest[1]) throw new UsageError('use: switchboard connector new <name>');
      const written = scaffoldConnector(process.cwd(), rest[1]);
      process.stdout.write(`${written.join('\n')}\n\nNext: add it to connectors/index.ts, then run npx vitest run connectors/${rest[1]}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

function parseRoles(value: string | undefined): Role[] {
  if (!value) return [...ROLES];
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length || roles.length === 0) {
    throw new UsageError(`--role takes a list of ${ROLES.join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`);
  }
  return roles as Role[];
}

function print(lines: string[], whenEmpty: string): void {
  process.stdout.write((lines.length ? lines : [whenEmpty]).join('\n') + '\n');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof BackupError) process.stderr.write(error.message + '\n');
    else if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else process.stderr.write(`switchboard: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 64 : 1);
  },
);
