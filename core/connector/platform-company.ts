import { sql } from 'kysely';
import { isOpen, isValidTimeZone } from '../calendar/business-hours.js';
import type { Db } from '../db/database.js';
import type { CustomFieldType } from '../db/schema.js';
import { companyLinkAddress, type AddressConfig } from '../tenancy/address.js';

/** A custom contact field as the company's CRM defines it. */
export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

/** What a connector may know about its channel's company: who is there to answer, and when. */
export interface ChannelCompany {
  /** Whether the company's address name (its slug, as in `<slug>.example.com`) is `slug`. */
  hasSlug(slug: string): Promise<boolean>;
  /** Whether an active agent of the company is online now. */
  agentsOnline(): Promise<boolean>;
  /**
   * Whether the groups are inside their business hours at `now` (the company's default group when
   * none is named). Open when no such group has hours (a group without a calendar is always open);
   * closed only when every group is closed.
   */
  withinBusinessHours(groupIds: readonly string[], now?: Date): Promise<boolean>;
  /**
   * The agent a phone system names: by the number that answered (their desk, web or mobile
   * endpoint), else by one of `names` (an e-mail, any case, or a name); undefined when none is.
   */
  agentNamed(answeringNumber: string | undefined, names: readonly string[]): Promise<string | undefined>;
  /** The company's custom contact fields of these keys, by key (deleted ones are absent). */
  customFields(keys: readonly string[]): Promise<Map<string, CustomFieldDefinition>>;
  /**
   * The company's public help center (`<address>/help/<slug>`), where a chat looks up articles while
   * the customer types; undefined where the process was given no public address.
   */
  helpCenter(): Promise<string | undefined>;
}

export function channelCompany(db: Db, tenantId: string, address?: AddressConfig): ChannelCompany {
  return {
    async helpCenter() {
      if (!address) return undefined;
      const tenant = await db.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirst();
      if (!tenant) return undefined;
      return `${await companyLinkAddress(db, address, tenantId)}/help/${encodeURIComponent(tenant.slug)}`;
    },
    async hasSlug(slug) {
      const row = await db.selectFrom('tenants').select('id').where('id', '=', tenantId).where('slug', '=', slug).executeTakeFirst();
      return row !== undefined;
    },
    async agentsOnline() {
      const row = await db
        .selectFrom('users')
        .select(sql<number>`1`.as('one'))
        .where('tenant_id', '=', tenantId)
        .where('agent_status', '=', 'online')
        .where('account_status', '=', 'active')
        .executeTakeFirst();
      return row !== undefined;
    },
    async withinBusinessHours(named, now = new Date()) {
      let groupIds = [...named];
      if (groupIds.length === 0) {
        const settings = await db.selectFrom('router_settings').select('default_group_id').where('tenant_id', '=', tenantId).executeTakeFirst();
        groupIds = settings?.default_group_id ? [settings.default_group_id] : [];
      }
      if (groupIds.length === 0) return true;
      const groups = await db
        .selectFrom('groups as g')
        .leftJoin('business_calendars as bc', (j) => j.onRef('bc.id', '=', 'g.calendar_id').onRef('bc.tenant_id', '=', 'g.tenant_id'))
        .select(['g.id', 'bc.id as calendar_id', 'bc.time_zone', 'bc.weekly_hours'])
        .where('g.tenant_id', '=', tenantId)
        .where('g.id', 'in', groupIds)
        .execute();
      if (groups.length === 0) return true;
      for (const group of groups) {
        if (!group.calendar_id || !group.time_zone || !group.weekly_hours || !isValidTimeZone(group.time_zone)) return true;
        const holidays = await db
          .selectFrom('calendar_holidays')
          .select(sql<string>`day::text`.as('day'))
          .where('tenant_id', '=', tenantId)
          .where('calendar_id', '=', group.calendar_id)
          .execute();
        const open = isOpen(
          { id: group.calendar_id, timeZone: group.time_zone, weeklyHours: group.weekly_hours, holidays: new Set(holidays.map((h) => h.day.slice(0, 10))) },
          now,
        );
        if (open) return true;
      }
      return false;
    },
    async agentNamed(answeringNumber, names) {
      if (answeringNumber) {
        const byNumber = await db
          .selectFrom('voice_endpoints')
          .select('user_id')
          .where('tenant_id', '=', tenantId)
          .where((eb) => eb.or([eb('sip', '=', answeringNumber), eb('mobile', '=', answeringNumber), eb('webrtc', '=', answeringNumber)]))
          .executeTakeFirst();
        if (byNumber) return byNumber.user_id;
      }
      if (names.length === 0) return undefined;
      const byName = await db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([
            eb(
              sql`lower(email)`,
              'in',
              names.map((u) => u.toLowerCase()),
            ),
            eb('name', 'in', [...names]),
          ]),
        )
        .executeTakeFirst();
      return byName?.id;
    },
    async customFields(keys) {
      if (keys.length === 0) return new Map();
      const rows = await db
        .selectFrom('custom_fields')
        .select(['key', 'label', 'type', 'options'])
        .where('tenant_id', '=', tenantId)
        .where('key', 'in', [...keys])
        .execute();
      return new Map(rows.map((f) => [f.key, f]));
    },
  };
}
