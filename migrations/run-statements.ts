import { sql, type Kysely } from 'kysely';

/** Runs SQL statements one at a time: the embedded engine takes one statement per query. */
export async function runStatements(db: Kysely<any>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
