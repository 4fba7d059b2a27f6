// 100,000 contacts imported from one CSV file by the console's import job (the code path the
// upload starts: streaming parse, batches of 1,000 committed with the progress), the same file
// imported again (every row an update by e-mail address), then exported back as CSV. Prints
// rows/s for each and this process's peak RSS (the whole console runs in it). PostgreSQL from
// DATABASE_URL; the in-process bus.
import { copyFileSync, createWriteStream, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { loadConfig } from '../../core/config/config.js';
import { closeContext, openContext } from '../../core/context.js';
import { allMigrations } from '../../app/migrations.js';
import { createLogger } from '../../core/log/logger.js';
import { loadPrincipal } from '../../core/auth/permissions.js';
import { ContactImports } from '../../crm/contact-import.js';
import { exportContacts } from '../../crm/contact-export.js';
import { emptyPgDatabase } from '../support/services.js';

const total = Number(process.env.BENCH_CONTACTS ?? 100_000);
const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-crm-'));
const file = join(dataDir, 'contacts.csv');

// The file: names in Chinese and English, unique e-mails, phones, 1,000 companies, tags, a custom field.
{
  const surnames = ['王', '李', '张', '刘', '陈', '杨', 'Smith', 'Garcia', 'Chen', 'Kim'];
  const out = stringify({ header: true, columns: ['name', 'email', 'phone', 'company', 'tags', 'plan'] });
  const sink = createWriteStream(file);
  out.pipe(sink);
  for (let n = 1; n <= total; n++) {
    const ok = out.write([
      `${surnames[n % surnames.length]}${n}`,
      `customer${n}@example.org`,
      `+86 138 ${String(n).padStart(8, '0')}`,
      `Company ${n % 1000}`,
      n % 3 ? 'vip;华东' : '',
      n % 2 ? 'pro' : 'free',
    ]);
    if (!ok) await once(out, 'drain');
  }
  out.end();
  await once(sink, 'finish');
}

const fileBytes = statSync(file).size;
// The same file again, imported second: every row then updates the contact of its e-mail address.
const again = join(dataDir, 'contacts-again.csv');
copyFileSync(file, again);
const database = await emptyPgDatabase();
const ctx = await openContext(
  loadConfig({ DATABASE_URL: database.url, SECRET_KEY: 'ef'.repeat(32), DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
  createLogger('silent'),
  allMigrations,
);
try {
  const db = ctx.database.db;
  const tenant = await db.insertInto('tenants').values({ slug: 'bench', name: 'Bench' }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('custom_fields')
    .values({ tenant_id: tenant.id, key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
    .execute();
  // The importer is an admin, as an upload records it: a row changes only contacts its importer sees.
  const role = await db.insertInto('roles').values({ tenant_id: tenant.id, name: 'admin', builtin: true }).returning('id').executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({ tenant_id: tenant.id, email: 'a@example.org', name: 'A', role_id: role.id, password_hash: null, account_status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const imports = new ContactImports(ctx);
  const started = performance.now();
  const job = await db
    .insertInto('contact_imports')
    .values({ tenant_id: tenant.id, created_by: user.id, file_name: 'contacts.csv', file_path: file, total_bytes: fileBytes })
    .returning('id')
    .executeTakeFirstOrThrow();
  imports.take(job.id);
  await imports.idle();
  const importSeconds = (performance.now() - started) / 1000;
  const result = await db.selectFrom('contact_imports').selectAll().where('id', '=', job.id).executeTakeFirstOrThrow();
  if (result.status !== 'done' || result.created_count !== total)
    throw new Error(`import ended ${result.status}: ${result.created_count} created, ${result.error ?? ''}`);
  const importRss = process.resourceUsage().maxRSS / 1024;

  const reimportStarted = performance.now();
  const second = await db
    .insertInto('contact_imports')
    .values({ tenant_id: tenant.id, created_by: user.id, file_name: 'contacts-again.csv', file_path: again, total_bytes: fileBytes })
    .returning('id')
    .executeTakeFirstOrThrow();
  imports.take(second.id);
  await imports.idle();
  const reimportSeconds = (performance.now() - reimportStarted) / 1000;
  const reimported = await db.selectFrom('contact_imports').selectAll().where('id', '=', second.id).executeTakeFirstOrThrow();
  if (reimported.status !== 'done' || reimported.updated_count !== total || reimported.created_count !== 0)
    throw new Error(
      `re-import ended ${reimported.status}: ${reimported.created_count} created, ${reimported.updated_count} updated, ${reimported.error ?? ''}`,
    );

  // Export as the admin: every contact, streamed.
  const principal = (await loadPrincipal(db, tenant.id, user.id))!;
  const exportStarted = performance.now();
  let bytes = 0;
  let lines = 0;
  for await (const chunk of await exportContacts(db, principal)) {
    bytes += (chunk as Buffer).length;
    lines += (chunk as Buffer).toString('utf8').split('\r\n').length - 1;
  }
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      scenario: 'contacts-import',
      rows: total,
      fileMB: Math.round(fileBytes / 1e5) / 10,
      importSeconds: Math.round(importSeconds * 10) / 10,
      rowsPerSecond: Math.round(total / importSeconds),
      goalRowsPerSecond: 5000,
      reimportRowsPerSecond: Math.round(total / reimportSeconds),
      exportRowsPerSecond: Math.round((lines - 1) / exportSeconds),
      exportMB: Math.round(bytes / 1e5) / 10,
      peakRssMBAfterImport: Math.round(importRss),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      goalRssMB: 300,
    })}\n`,
  );
} finally {
  await closeContext(ctx);
  await database.drop();
}
