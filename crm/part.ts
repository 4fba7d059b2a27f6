import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { ContactImports } from './contact-import.js';
import { businessRecordRoutes } from './routes/business-records.js';
import { companyRoutes } from './routes/companies.js';
import { contactImportRoutes } from './routes/contact-imports.js';
import { contactRecordRoutes } from './routes/contact-records.js';
import { contactRoutes } from './routes/contacts.js';
import { customFieldRoutes } from './routes/custom-fields.js';
import { searchRoutes } from './routes/search.js';

/** Which contacts a person may see, for the other modules' routes that show or link a contact. */
export { containsPattern, contactsQuery, contactView, visibleContact, type ContactRow } from './visibility.js';

/** How often a console process looks for a queued contact import (or one whose process died). */
const IMPORT_POLL_MS = 1000;

/**
 * The customer record's API: contacts, their custom fields, handles, notes, duplicates and merges,
 * companies, business records, CSV import and export, and search across contacts, conversations,
 * notes and tickets.
 */
export function crmRoutes(): AnyRoute[] {
  return [
    ...contactRoutes(),
    ...customFieldRoutes(),
    ...businessRecordRoutes(),
    ...contactRecordRoutes(),
    ...companyRoutes(),
    ...contactImportRoutes(),
    ...searchRoutes(),
  ];
}

/**
 * The CRM's background work, run with the console role: CSV contact imports. An upload only
 * queues its import; each console process looks for queued ones (and ones whose lease lapsed
 * with a process that died) on a periodic task of the process's job runner (`jobs`), and runs
 * them one at a time.
 */
export async function startCrm(ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void>; imports: ContactImports }> {
  const imports = new ContactImports(ctx);
  jobs.every({
    name: 'crm.contact-imports',
    everyMs: IMPORT_POLL_MS,
    atStart: true,
    run: async () => {
      imports.kick();
      return 0;
    },
  });
  return {
    name: 'crm',
    imports,
    async stop() {
      await imports.stop();
    },
  };
}
