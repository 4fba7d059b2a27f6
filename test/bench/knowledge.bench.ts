// Retrieval quality of the knowledge base, with no model: the sample knowledge base
// (./fixtures/knowledge-sample.ts, 51 short articles, zh and en) is created through the knowledge
// module's own functions, then every question of the fixed set is searched with `searchArticles`,
// the call the answer bot makes. Prints one JSON object per engine (PGlite always, PostgreSQL when
// DATABASE_URL is set):
// - precision_at_1 / precision_at_3: the share of answerable questions whose right article is
//   first / among the first three, overall and per language;
// - top_score: the distribution of the best hit's score (0 when nothing matched) for answerable
//   and unanswerable questions, and `threshold`: the score below which a bot should hand over
//   rather than answer, chosen to make the fewest mistakes on this set (see chooseThreshold), with
//   the rates it gives and those at a few round thresholds;
// - latency_ms: p50 / p95 of one search, over BENCH_ROUNDS (default 5) passes over the set.
// - bot: what the answer bot adds per answer, with no model, on the same knowledge base: the
//   inbound pipeline's time per message with the bot on and off (its step holds the conversation
//   and writes a turn), and the worker's time to answer one turn (retrieval, the decision, the
//   reply written): p50 / p95 over the answerable questions, and how many it answered or handed
//   over at the channel's default threshold.
// BENCH_ENGINES=pglite (or pg) runs one engine only.
// Questions whose right article is not in the top three go to stderr (with BENCH_VERBOSE=1 also
// those ranked second or third, and what the unanswerable ones found).
import { performance } from 'node:perf_hooks';
import { answerTurn, ModelUnavailableError, type ModelGateway } from '../../assistant/part.js';
import type { Config } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { createArticle, searchArticles, type ArticleHit } from '../../knowledge/part.js';
import { addAgent, addGroup, conversationOf, createWorld, deliver, envelope, setDefaultGroup, silentLogger } from '../support/router-world.js';
import { DATABASE_URL, freshDatabase } from '../support/services.js';
import { sampleArticles, sampleQuestions, type SampleQuestion } from './fixtures/knowledge-sample.js';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const log = (text: string) => process.stderr.write(`knowledge bench: ${text}\n`);
const round3 = (n: number) => Math.round(n * 1000) / 1000;

interface Outcome {
  question: SampleQuestion;
  hits: ArticleHit[];
  /** Rank of the first right article (1-based), or null when it is not among the hits. */
  rank: number | null;
  top: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function distribution(scores: number[]) {
  const sorted = [...scores].sort((a, b) => a - b);
  const histogram: Record<string, number> = {};
  for (let b = 0; b < 10; b++) histogram[`${(b / 10).toFixed(1)}-${((b + 1) / 10).toFixed(1)}`] = 0;
  for (const s of sorted) {
    const b = Math.min(9, Math.floor(s * 10));
    histogram[`${(b / 10).toFixed(1)}-${((b + 1) / 10).toFixed(1)}`]!++;
  }
  return {
    n: sorted.length,
    min: round3(sorted[0] ?? 0),
    p10: round3(quantile(sorted, 0.1)),
    p25: round3(quantile(sorted, 0.25)),
    p50: round3(quantile(sorted, 0.5)),
    p75: round3(quantile(sorted, 0.75)),
    max: round3(sorted.at(-1) ?? 0),
    histogram,
  };
}

/**
 * The confidence threshold: the bot answers with its first hit when that hit scores at least t.
 * Its mistakes at t: answering a question the knowledge base has no answer for (false answer,
 * a share of the unanswerable questions), answering an answerable one with a wrong article
 * (wrong answer) and handing over although the first hit was right (missed answer; both shares
 * of the answerable questions). t is the midpoint between two observed scores with the smallest
 * sum of the three rates — rates rather than counts, so the choice does not depend on how many
 * unanswerable questions the set happens to hold; on a tie the higher one (a handover costs less
 * than a wrong answer).
 */
function chooseThreshold(outcomes: Outcome[]) {
  const answerable = outcomes.filter((o) => o.question.answers.length > 0);
  const unanswerable = outcomes.filter((o) => o.question.answers.length === 0);
  const at = (t: number) => {
    const falseAnswers = unanswerable.filter((o) => o.top >= t).length;
    const wrongAnswers = answerable.filter((o) => o.top >= t && o.rank !== 1).length;
    const missedAnswers = answerable.filter((o) => o.top < t && o.rank === 1).length;
    const mistakes = falseAnswers / Math.max(1, unanswerable.length) + (wrongAnswers + missedAnswers) / Math.max(1, answerable.length);
    return { t, mistakes, falseAnswers, wrongAnswers, missedAnswers };
  };
  const scores = [...new Set(outcomes.map((o) => o.top))].sort((a, b) => a - b);
  const candidates = [0.001, ...scores.slice(1).map((s, i) => (s + scores[i]!) / 2), 1.001];
  let best = at(candidates[0]!);
  for (const t of candidates.slice(1)) {
    const r = at(t);
    if (r.mistakes <= best.mistakes + 1e-9) best = r;
  }
  const rates = (r: ReturnType<typeof at>) => ({
    false_answer_rate: round3(r.falseAnswers / Math.max(1, unanswerable.length)),
    wrong_answer_rate: round3(r.wrongAnswers / Math.max(1, answerable.length)),
    missed_answer_rate: round3(r.missedAnswers / Math.max(1, answerable.length)),
  });
  return {
    value: round3(best.t),
    false_answer_rate: round3(best.falseAnswers / Math.max(1, unanswerable.length)),
    wrong_answer_rate: round3(best.wrongAnswers / Math.max(1, answerable.length)),
    missed_answer_rate: round3(best.missedAnswers / Math.max(1, answerable.length)),
    answered_right_rate: round3(answerable.filter((o) => o.top >= best.t && o.rank === 1).length / Math.max(1, answerable.length)),
    /** The same rates at round thresholds, for a bot that would rather hand over more often. */
    at: Object.fromEntries([0.2, 0.3, 0.4, 0.5, 0.6].map((t) => [t.toFixed(1), rates(at(t))])),
  };
}

async function benchOn(engine: 'pglite' | 'pg'): Promise<void> {
  const database = await freshDatabase(engine);
  try {
    const db = database.db;
    const world = await createWorld(db, 'bench-kb');
    const tenant = { id: world.tenantId };
    const idOf = new Map<string, string>();
    const keyOf = new Map<string, string>();
    for (const a of sampleArticles) {
      const view = await createArticle(db, tenant.id, null, {
        locale: a.locale,
        title: a.title,
        body: a.body,
        category: a.category,
        state: 'published',
        related: [],
      });
      idOf.set(a.key, view.id);
      keyOf.set(view.id, a.key);
    }
    for (const q of sampleQuestions) for (const key of q.answers) if (!idOf.has(key)) throw new Error(`question "${q.q}" names unknown article ${key}`);

    const times: number[] = [];
    let outcomes: Outcome[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const pass: Outcome[] = [];
      for (const question of sampleQuestions) {
        const t = performance.now();
        const hits = await searchArticles(db, tenant.id, question.q, { limit: 5 });
        if (round > 0) times.push(performance.now() - t); // round 0 warms the caches
        const index = hits.findIndex((h) => question.answers.includes(keyOf.get(h.id)!));
        pass.push({ question, hits, rank: index < 0 ? null : index + 1, top: hits[0]?.score ?? 0 });
      }
      outcomes = pass;
    }

    const answerable = outcomes.filter((o) => o.question.answers.length > 0);
    const share = (list: Outcome[], k: number) => round3(list.filter((o) => o.rank !== null && o.rank <= k).length / Math.max(1, list.length));
    const byLocale = (k: number) => ({
      all: share(answerable, k),
      zh: share(
        answerable.filter((o) => o.question.locale === 'zh'),
        k,
      ),
      en: share(
        answerable.filter((o) => o.question.locale === 'en'),
        k,
      ),
    });
    const shown = (o: Outcome) => o.hits.map((h) => `${keyOf.get(h.id)} ${h.score}`).join(', ') || 'nothing';
    for (const o of answerable.filter((o) => o.rank === null || o.rank > 3)) log(`${engine}: not in top 3: "${o.question.q}" → ${shown(o)}`);
    if (process.env.BENCH_VERBOSE) {
      for (const o of answerable.filter((o) => o.rank !== null && o.rank > 1 && o.rank <= 3))
        log(`${engine}: ranked ${o.rank}: "${o.question.q}" → ${shown(o)}`);
      for (const o of outcomes.filter((o) => o.question.answers.length === 0)) log(`${engine}: unanswerable: "${o.question.q}" → ${shown(o)}`);
    }
    const sortedTimes = [...times].sort((a, b) => a - b);
    const result = {
      scenario: 'knowledge',
      engine,
      articles: sampleArticles.length,
      questions: sampleQuestions.length,
      answerable: answerable.length,
      answerable_zh: answerable.filter((o) => o.question.locale === 'zh').length,
      answerable_en: answerable.filter((o) => o.question.locale === 'en').length,
      unanswerable: outcomes.length - answerable.length,
      precision_at_1: byLocale(1),
      precision_at_3: byLocale(3),
      no_hit_answerable: answerable.filter((o) => o.hits.length === 0).length,
      top_score: {
        answerable_right_first: distribution(answerable.filter((o) => o.rank === 1).map((o) => o.top)),
        answerable_wrong_first: distribution(answerable.filter((o) => o.rank !== 1).map((o) => o.top)),
        unanswerable: distribution(outcomes.filter((o) => o.question.answers.length === 0).map((o) => o.top)),
      },
      threshold: chooseThreshold(outcomes),
      latency_ms: { p50: round3(quantile(sortedTimes, 0.5)), p95: round3(quantile(sortedTimes, 0.95)), searches: sortedTimes.length },
      bot: await botLatency(
        db,
        world,
        answerable.map((o) => o.question.q),
      ),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await database.drop();
  }
}

const noModel: ModelGateway = {
  configured: async () => false,
  complete: async () => {
    throw new ModelUnavailableError('not_configured', 'no model');
  },
};

/**
 * The answer bot's cost per answer, with no model: each question is a new customer's first
 * message through the inbound pipeline, once with the bot off (routed to an agent) and once on
 * (held by the bot), then the bot's turn answered as its worker does.
 */
async function botLatency(db: Db, world: Awaited<ReturnType<typeof createWorld>>, questions: string[]) {
  const group = await addGroup(world, 'Support');
  await setDefaultGroup(world, group);
  await addAgent(world, 'Bench agent', { groups: [group], capacity: { chat: 100_000 } });
  const deps = {
    database: { db } as never,
    config: { publicUrl: 'https://help.example.com', publicUrlSet: true } as Config,
    logger: silentLogger,
    relay: { poke() {} },
  };
  const timed = async (run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    return performance.now() - t;
  };
  const off: number[] = [];
  const on: number[] = [];
  const answer: number[] = [];
  const outcomes: Record<string, number> = {};
  for (const [i, q] of questions.entries()) off.push(await timed(() => deliver(db, envelope(world, { from: `off-${i}`, text: q }))));
  await db
    .insertInto('bot_settings' as never)
    .values({ tenant_id: world.tenantId, channel_id: world.channelId, enabled: true } as never)
    .execute();
  for (const [i, q] of questions.entries()) {
    on.push(await timed(() => deliver(db, envelope(world, { from: `on-${i}`, text: q }))));
    const conversation = await conversationOf(db, world, `on-${i}`);
    const turn = await db
      .selectFrom('bot_turns' as never)
      .select('id' as never)
      .where('conversation_id' as never, '=', conversation.id as never)
      .executeTakeFirst();
    // A first message that asks for a person (or names a handover word) is never the bot's.
    if (!turn) {
      outcomes.not_taken = (outcomes.not_taken ?? 0) + 1;
      continue;
    }
    let outcome = '';
    answer.push(await timed(async () => (outcome = await answerTurn(deps, noModel, world.tenantId, (turn as { id: string }).id))));
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const stats = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: round3(quantile(sorted, 0.5)), p95: round3(quantile(sorted, 0.95)) };
  };
  const pipelineOn = stats(on);
  const pipelineOff = stats(off);
  const worker = stats(answer);
  return {
    questions: questions.length,
    pipeline_ms_bot_off: pipelineOff,
    pipeline_ms_bot_on: pipelineOn,
    worker_ms_per_answer: worker,
    added_ms_per_answer_p50: round3(pipelineOn.p50 - pipelineOff.p50 + worker.p50),
    outcomes,
  };
}

const engines = (process.env.BENCH_ENGINES ?? 'pglite,pg').split(',');
if (engines.includes('pglite')) await benchOn('pglite');
if (engines.includes('pg')) {
  if (DATABASE_URL) await benchOn('pg');
  else log('DATABASE_URL is not set: PostgreSQL skipped');
}
