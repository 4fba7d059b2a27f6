import type { AnyRoute } from '../console/server/api/route.js';
import type { Context } from '../core/context.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { ContactImports, contactImportJob, enqueueUnqueuedImports } from './contact-import.js';
import { businessRecordRoutes } from './routes/business-records.js';
import { companyRoutes } from './routes/companies.js';
import { contactImportRoutes } from './routes/contact-imports.js';
import { contactRecordRoutes } from './routes/contact-records.js';
import { contactRoutes } from './routes/contacts.js';
import { customFieldRoutes } from './routes/custom-fields.js';
import { searchRoutes } from './routes/search.js';

/** Which contacts a person may see, for the other modules' routes that show or link a contact. */
export { containsPattern, contactsQuery, contactView, visibleContact, type ContactRow } from './visibility.js';
/** How an import is queued: its job, written with its row (tests set up an interrupted one). */
export { CONTACT_IMPORT_JOB, enqueueContactImport } from './contact-import.js';

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
 * The CRM's background work, run with the console role: CSV contact imports. An upload queues its
 * import as a job (`crm.contact_import`); the process's job runner (`jobs`) hands it to this
 * process's importer, which runs one at a time, and takes it up again if the process running it
 * died. Imports left without a job (queued before imports were jobs) get one as a process starts.
 */
export async function startCrm(ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void>; imports: ContactImports }> {
  const imports = new ContactImports(ctx);
  jobs.register(contactImportJob(imports));
  await enqueueUnqueuedImports(ctx.database.db);
  return {
    name: 'crm',
    imports,
    async stop() {
      await imports.stop();
    },
  };
}
