// Search latency over 1,000,000 messages (Chinese and English, 20,000 conversations in four
// groups): 1,000 searches as an admin (sees everything), as an agent of one group and as an agent
// who sees only the 50 conversations assigned to them, through the same code the API's /search
// runs (messages only). Prints p50/p95/p99 in ms and whether every p95 is under the 150 ms goal.
// PostgreSQL from DATABASE_URL. BENCH_MESSAGES sets the size.
import { sql } from 'kysely';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import { migrateUp } from '../../core/db/migrate.js';
import { allMigrations } from '../../app/migrations.js';
import type { Principal } from '../../core/auth/permissions.js';
import { BUILTIN_ROLE_PERMISSIONS } from '../../core/auth/permissions.js';
import { search } from '../../crm/search.js';
import { emptyPgDatabase } from '../support/services.js';

const total = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const searches = Number(process.env.BENCH_SEARCHES ?? 1000);
const conversations = 20_000;

const zhWords = [
  '退款',
  '订单',
  '发货',
  '快递',
  '地址',
  '发票',
  '优惠券',
  '会员',
  '积分',
  '退货',
  '换货',
  '客服',
  '投诉',
  '物流',
  '包裹',
  '付款',
  '支付宝',
  '微信支付',
  '价格',
  '尺码',
  '颜色',
  '质量',
  '破损',
  '少件',
  '延迟',
  '取消',
  '修改',
  '咨询',
  '售后',
  '保修',
];
const enWords = [
  'refund',
  'order',
  'shipping',
  'delivery',
  'address',
  'invoice',
  'coupon',
  'member',
  'points',
  'return',
  'exchange',
  'support',
  'complaint',
  'tracking',
  'parcel',
  'payment',
  'price',
  'size',
  'colour',
  'quality',
  'broken',
  'missing',
  'delayed',
  'cancel',
  'change',
  'question',
  'warranty',
  'account',
  'password',
  'login',
];

const database = await emptyPgDatabase();
const handle = openPgDatabase(database.url, 4);
const db = handle.db;
try {
  await migrateUp(db, allMigrations);
  const tenant = await db.insertInto('tenants').values({ slug: 'bench', name: 'Bench' }).returning('id').executeTakeFirstOrThrow();
  const channel = await db.insertInto('channels').values({ tenant_id: tenant.id, type: 'app-api', name: 'App' }).returning('id').executeTakeFirstOrThrow();
  const groups = [];
  for (let g = 0; g < 4; g++)
    groups.push(
      (
        await db
          .insertInto('groups')
          .values({ tenant_id: tenant.id, name: `G${g}` })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  const loadStarted = performance.now();
  await sql`insert into contacts (tenant_id, name) select ${tenant.id}, 'Customer ' || g from generate_series(1, ${conversations}) g`.execute(db);
  await sql`insert into conversations (tenant_id, channel_id, contact_id, group_id, status, thread_key)
    select ${tenant.id}, ${channel.id}, c.id, (${sql.val(groups)}::uuid[])[1 + (row_number() over () % 4)], 'resolved', 't'
    from contacts c where c.tenant_id = ${tenant.id}`.execute(db);
  // An agent who sees only the 50 conversations assigned to them (one in 400).
  const role = await db.insertInto('roles').values({ tenant_id: tenant.id, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
  const own = await db
    .insertInto('users')
    .values({ tenant_id: tenant.id, email: 'own@example.org', name: 'Own', role_id: role.id, password_hash: null, account_status: 'active' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`update conversations set assignee_id = ${own.id} where id in (select id from conversations where tenant_id = ${tenant.id} order by id limit 50)`.execute(
    db,
  );
  await sql`create temp table bench_conv as select row_number() over (order by id) - 1 as n, id from conversations where tenant_id = ${tenant.id}`.execute(db);
  // Built after the rows are in, as a restore would: much faster than maintaining it row by row.
  await sql`drop index messages_search_vector`.execute(db);
  const zh = sql.val(zhWords);
  const en = sql.val(enWords);
  const chunk = 200_000;
  for (let from = 1; from <= total; from += chunk) {
    await sql`insert into messages (tenant_id, conversation_id, channel_id, direction, sender_type, content)
      select ${tenant.id}, bc.id, ${channel.id}, 'in', 'contact',
        jsonb_build_array(jsonb_build_object('type', 'text', 'text',
          '您好，' || (${zh}::text[])[1 + (g * 7) % 30] || '的问题，' || (${zh}::text[])[1 + (g * 13) % 30] || '还没有处理 ' ||
          (${en}::text[])[1 + (g * 11) % 30] || ' ' || (${en}::text[])[1 + (g * 17) % 29] || ' order A-' || g))
      from generate_series(${from}::int, ${Math.min(total, from + chunk - 1)}::int) g join bench_conv bc on bc.n = g % ${conversations}`.execute(db);
  }
  await sql`create index messages_search_vector on messages using gin (search_vector)`.execute(db);
  await sql`analyze`.execute(db);
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  const principal = (permissions: readonly string[], groupIds: string[], userId = '00000000-0000-4000-8000-000000000000'): Principal => ({
    tenantId: tenant.id,
    userId,
    roleId: '00000000-0000-4000-8000-000000000000',
    roleName: 'bench',
    permissions: new Set(permissions) as Principal['permissions'],
    groupIds,
  });
  const admin = principal(['conversations.view.all', 'contacts.view'], []);
  const agent = principal(BUILTIN_ROLE_PERMISSIONS.agent, [groups[0]!]);
  const ownAgent = principal(['conversations.view.own'], [], own.id);
  // The mix: a common Chinese word, a Chinese phrase of two words, an English word, an order number, a prefix.
  const queryFor = (i: number) => {
    switch (i % 5) {
      case 0:
        return zhWords[i % 30]!;
      case 1:
        return `${zhWords[i % 30]} ${zhWords[(i * 7) % 30]}`;
      case 2:
        return enWords[i % 30]!;
      case 3:
        return `A-${1 + ((i * 7919) % total)}`;
      default:
        return enWords[i % 30]!.slice(0, 4);
    }
  };
  const kinds = new Set(['message'] as const);
  const measure = async (who: Principal) => {
    const times: number[] = [];
    for (let i = 0; i < searches; i++) {
      const t = performance.now();
      await search(db, who, queryFor(i), kinds, 20);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  };
  await measure(admin); // warm the cache once
  const asAdmin = await measure(admin);
  const asAgent = await measure(agent);
  const asOwnAgent = await measure(ownAgent);
  process.stdout.write(
    `${JSON.stringify({ scenario: 'search', messages: total, conversations, searches, loadSeconds: Math.round(loadSeconds), adminMs: asAdmin, groupAgentMs: asAgent, ownAgentMs: asOwnAgent, goalP95Ms: 150, goalMet: [asAdmin, asAgent, asOwnAgent].every((r) => r.p95 < 150) })}\n`,
  );
} finally {
  await handle.close();
  await database.drop();
}
