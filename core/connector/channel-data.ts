import { sql } from 'kysely';
import type { ChannelStore } from '@switchboard/connector-sdk';
import type { Db } from '../db/database.js';
import { ValidationError } from '../errors.js';
import { assertStorable } from '../domain/storable-text.js';

const checkKey = (key: string) => {
  if (typeof key !== 'string' || key.length < 1 || key.length > 200)
    throw new ValidationError('a state key is 1 to 200 characters', [{ field: 'key', message: 'invalid' }]);
  assertStorable(key, 'key');
};

/** A connector's own state for one channel (table `channel_data`): every query names the tenant and the channel. */
export function channelStore(db: Db, channel: { id: string; tenantId: string }): ChannelStore {
  return {
    get: async <T>(key: string) => {
      checkKey(key);
      const row = await db
        .selectFrom('channel_data')
        .select('value')
        .where('tenant_id', '=', channel.tenantId)
        .where('channel_id', '=', channel.id)
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? (row.value as T) : undefined;
    },
    set: async (key, value) => {
      checkKey(key);
      assertStorable(value, 'value');
      const json = JSON.stringify(value ?? null);
      await db
        .insertInto('channel_data')
        .values({ channel_id: channel.id, tenant_id: channel.tenantId, key, value: json })
        .onConflict((oc) => oc.columns(['channel_id', 'key']).doUpdateSet({ value: json, updated_at: sql`now()` }))
        .execute();
    },
    delete: async (key) => {
      checkKey(key);
      await db.deleteFrom('channel_data').where('tenant_id', '=', channel.tenantId).where('channel_id', '=', channel.id).where('key', '=', key).execute();
    },
  };
}
