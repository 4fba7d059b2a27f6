import { sql, type Kysely } from 'kysely';
import { openSecret, sealSecret } from '../../core/crypto/secrets.js';
import type { Database } from '../../core/db/schema.js';
import { modelDb } from './schema.js';

/** A company's model as the gateway uses it: the key opened, ready to send. */
export interface ModelSettings {
  enabled: boolean;
  baseUrl: string;
  model: string;
  apiKey: string | null;
  maskPersonalData: boolean;
  timeoutMs: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** What an admin sets; a key left out keeps the stored one, `null` removes it. */
export interface ModelSettingsInput {
  enabled: boolean;
  baseUrl: string;
  model: string;
  apiKey?: string | null;
  maskPersonalData: boolean;
  timeoutMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The key is bound to its company: a sealed value copied to another company's row does not open. */
const keyAssociatedData = (tenantId: string) => `ai-model-key:${tenantId}`;

/** The company's model settings, key opened; undefined when it never set any. */
export async function readModelSettings(db: Kysely<Database>, secretKey: Buffer, tenantId: string): Promise<ModelSettings | undefined> {
  const row = await modelDb(db).selectFrom('ai_model_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return undefined;
  return {
    enabled: row.enabled,
    baseUrl: row.base_url,
    model: row.model,
    apiKey: row.api_key === null ? null : openSecret(secretKey, row.api_key, keyAssociatedData(tenantId)),
    maskPersonalData: row.mask_personal_data,
    timeoutMs: row.timeout_ms,
    updatedAt: new Date(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/** Stores the company's model settings, sealing a new key; a key left out stays as it was. */
export async function writeModelSettings(
  db: Kysely<Database>,
  secretKey: Buffer,
  tenantId: string,
  input: ModelSettingsInput,
  userId: string | null,
): Promise<void> {
  const sealed = input.apiKey === undefined ? undefined : input.apiKey === null ? null : sealSecret(secretKey, input.apiKey, keyAssociatedData(tenantId));
  const values = {
    enabled: input.enabled,
    base_url: input.baseUrl,
    model: input.model,
    mask_personal_data: input.maskPersonalData,
    timeout_ms: input.timeoutMs,
    updated_at: sql<Date>`now()`,
    updated_by: userId,
  };
  await modelDb(db)
    .insertInto('ai_model_settings')
    .values({ tenant_id: tenantId, ...values, api_key: sealed ?? null })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, ...(sealed !== undefined ? { api_key: sealed } : {}) }))
    .execute();
}

/** Whether these settings make a model the company can use: switched on, with an address and a model name. */
export const usable = (settings: ModelSettings | undefined): settings is ModelSettings =>
  settings?.enabled === true && settings.baseUrl !== '' && settings.model !== '';
