import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../test/support/services.js';
import { createArticle } from './articles.js';
import { latinStem, searchArticles, searchTerms } from './search.js';

describe('searchTerms', () => {
  it('cuts Chinese into character pairs between function words and keeps Latin words as prefixes', () => {
    expect(searchTerms('我想退货怎么办').map((t) => t.any)).toEqual(["'退' <-> '货'"]);
    expect(searchTerms('How do I get a refund?').map((t) => t.any)).toEqual(["'refund':*"]);
    expect(searchTerms('订单 12345').map((t) => t.any)).toEqual(["'订' <-> '单'", "'12345':*"]);
    expect(searchTerms('退').map((t) => t.any)).toEqual(["'退'"]);
    expect(searchTerms("it's O'Brien").map((t) => t.any)).toContain("'brien':*");
    expect(searchTerms('的 了 吗 the')).toEqual([]);
  });

  it('takes out question words, not the words that share their characters', () => {
    // 会 and 请 are no function characters of their own: 会员 and 申请 stay words.
    expect(searchTerms('会员有什么好处').map((t) => t.any)).toEqual(["'会' <-> '员'", "'好' <-> '处'"]);
    expect(searchTerms('7天无理由退货怎么申请').map((t) => t.any)).toContain("'申' <-> '请'");
    // A character left alone between function characters counts, at half weight.
    expect(searchTerms('衣服不想要了能退吗')).toContainEqual({ any: "'退'", title: "'退':A", weight: 0.5 });
    expect(searchTerms('I want to take it back').map((t) => t.any)).toEqual(["'back':*"]);
  });

  it('matches English words by their stem, and loosely with the commonest typing slips', () => {
    expect(['refunds', 'deliveries', 'boxes', 'declined', 'shipping', 'cancelling', 'address', 'this'].map(latinStem)).toEqual([
      'refund',
      'delivery',
      'box',
      'declin',
      'ship',
      'cancel',
      'address',
      'this',
    ]);
    expect(searchTerms('how long do refunds take').map((t) => t.any)).toEqual(["'refund':*"]);
    expect(searchTerms('retrun', { loose: true })[0]!.any).toContain("'return':*");
    expect(searchTerms('pasword', { loose: true })[0]!.any).toContain("'password':*");
    expect(searchTerms('密玛忘了', { loose: true }).map((t) => t.any)).toEqual(["'密'", "'玛'", "'忘'"]);
  });
});

/** Precision on a small knowledge base in both languages, on both engines the product runs on. */
describe.each(['pg', 'pglite'] as const)('searchArticles on %s', (kind) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let tenantId: string;
  let other: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    if (kind === 'pg' && !process.env.DATABASE_URL) return;
    database = await freshDatabase(kind);
    const db = database.db;
    const tenant = async (slug: string) => (await db.insertInto('tenants').values({ slug, name: slug }).returning('id').executeTakeFirstOrThrow()).id as string;
    tenantId = await tenant('kb-shop');
    other = await tenant('kb-other');
    const add = async (key: string, locale: 'zh' | 'en', title: string, body: string, state: 'draft' | 'published' = 'published', company = tenantId) => {
      ids[key] = (await createArticle(db, company, null, { locale, title, body, category: '', state, related: [] })).id;
    };
    await add('returnsZh', 'zh', '如何申请退货', '<p>收到商品 7 天内可以在订单页面申请退货,请保持商品完好。</p>');
    await add('refundZh', 'zh', '退款多久到账', '<p>退款会在审核通过后 3–5 个工作日原路退回。</p>');
    await add('shippingZh', 'zh', '配送时间说明', '<p>下单后 48 小时内发货,偏远地区配送时间较长。</p>');
    await add('invoiceZh', 'zh', '如何开具发票', '<p>在订单详情中点击“申请发票”,电子发票将发送到您的邮箱。</p>');
    await add('refundEn', 'en', 'How refunds work', '<p>Your refund is paid back to the original card within 5 business days.</p>');
    await add('returnsEn', 'en', 'Returning an item', '<p>Start a return from your orders page within 30 days of delivery.</p>');
    await add('passwordEn', 'en', 'Reset your password', '<p>Use <strong>Forgot password</strong> on the sign-in page.</p>');
    await add('memberZh', 'zh', '会员等级和权益', '<p>金卡以上会员享受免运费和生日礼券。</p>');
    await add('passwordZh', 'zh', '忘记登录密码如何重置', '<p>在登录页点击“忘记密码”,输入手机号获取验证码。</p>');
    await add('draftEn', 'en', 'Refund policy draft', '<p>refund refund refund</p>', 'draft');
    await add('otherEn', 'en', 'Refunds at another company', '<p>refund</p>', 'published', other);
  });
  afterAll(() => database?.drop());

  const top = async (query: string, locale?: 'zh' | 'en') => (await searchArticles(database.db, tenantId, query, { locale, limit: 3 })).map((h) => h.id);

  it.skipIf(kind === 'pg' && !process.env.DATABASE_URL)('finds the article a question is about first, in Chinese and English', async () => {
    expect((await top('退货'))[0]).toBe(ids.returnsZh);
    expect((await top('我想退货怎么办'))[0]).toBe(ids.returnsZh);
    expect((await top('退款'))[0]).toBe(ids.refundZh);
    expect((await top('退款什么时候到账'))[0]).toBe(ids.refundZh);
    expect((await top('发票'))[0]).toBe(ids.invoiceZh);
    expect((await top('什么时候发货'))[0]).toBe(ids.shippingZh);
    expect((await top('refund'))[0]).toBe(ids.refundEn);
    expect((await top('How do I get my refund?', 'en'))[0]).toBe(ids.refundEn);
    expect((await top('return an item'))[0]).toBe(ids.returnsEn);
    expect((await top('forgot password'))[0]).toBe(ids.passwordEn);
    // Nothing about the weather: no hit at all, rather than a poor one.
    expect(await top('weather forecast')).toEqual([]);
    expect(await top('今天天气怎么样')).toEqual([]);
  });

  it.skipIf(kind === 'pg' && !process.env.DATABASE_URL)('finds the article of a colloquial or misspelt question', async () => {
    expect((await top('会员有什么好处'))[0]).toBe(ids.memberZh);
    // 退 alone: the returns and the refund article both hold it in their title.
    expect(await top('衣服不想要了能退吗')).toContain(ids.returnsZh);
    expect((await top('how long do refunds take'))[0]).toBe(ids.refundEn);
    // Typos: nothing matches as typed, the loose second try finds the article and says it guessed.
    const typo = await searchArticles(database.db, tenantId, '密玛忘了怎么办');
    expect(typo[0]).toMatchObject({ id: ids.passwordZh });
    expect(typo[0]!.score).toBeLessThanOrEqual(0.5);
    expect((await top('can i retrun this'))[0]).toBe(ids.returnsEn);
    expect((await top('forgot pasword'))[0]).toBe(ids.passwordEn);
  });

  it.skipIf(kind === 'pg' && !process.env.DATABASE_URL)('scores a title hit above a body hit, and leaves out drafts and other companies', async () => {
    const hits = await searchArticles(database.db, tenantId, 'refund', { limit: 10 });
    expect(hits.map((h) => h.id)).not.toContain(ids.draftEn);
    expect(hits.map((h) => h.id)).not.toContain(ids.otherEn);
    expect(hits[0]).toMatchObject({ id: ids.refundEn, score: 1, state: 'published', locale: 'en' });
    expect(hits[0]!.snippet).toContain('refund');
    const withDrafts = await searchArticles(database.db, tenantId, 'refund', { includeDrafts: true, limit: 10 });
    expect(withDrafts.map((h) => h.id)).toContain(ids.draftEn);
    const inBody = await searchArticles(database.db, tenantId, '原路退回');
    expect(inBody[0]).toMatchObject({ id: ids.refundZh });
    expect(inBody[0]!.score).toBeLessThan(1);
    expect(inBody[0]!.score).toBeGreaterThan(0.5);
  });
});
