import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupe } from '../router/pipeline/steps/dedupe.js';
import { identify } from '../router/pipeline/steps/identify.js';
import { store } from '../router/pipeline/steps/store.js';
import { thread } from '../router/pipeline/steps/thread.js';
import { runSteps } from '../test/support/pipeline-steps.js';
import { freshDatabase } from '../test/support/services.js';
import { createWorld, envelope, outboxKinds, type World } from '../test/support/router-world.js';
import { recordSurveyRatings, surveyReplyClaim } from './inbound-steps.js';

describe('survey answers in the inbound pipeline', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'survey-steps', 'voice-test');
  });
  afterAll(() => handle?.drop());

  it('claims only a bare rating, on a channel whose surveys are answered by reply', () => {
    const telegram = { ...world, channelType: 'telegram' };
    expect(surveyReplyClaim.mayClaim(envelope(telegram, { from: 'a', text: '5' }), 'telegram')).toBe(true);
    expect(surveyReplyClaim.mayClaim(envelope(telegram, { from: 'a', text: 'my order 5 is late' }), 'telegram')).toBe(false);
  });

  it('records the key a caller pressed after the call as the rating, once', async () => {
    const rated = (id: string, rating: number) => {
      const e = envelope(world, { from: 'caller', id, kind: 'voice' });
      return { ...e, message: { ...e.message, parts: [{ type: 'event' as const, name: 'call.rated', data: { rating } }] } };
    };
    await runSteps(handle.db, [dedupe, identify, thread, store, recordSurveyRatings], [rated('r-1', 4), rated('r-2', 1)], { commit: true });
    const rows = (await handle.db
      .selectFrom('csat_responses' as never)
      .selectAll()
      .execute()) as Record<string, unknown>[];
    expect(rows).toEqual([expect.objectContaining({ rating: 4, via: 'dtmf', channel_id: world.channelId })]);
    expect((await outboxKinds(handle.db, world)).filter((k) => k === 'csat.answered')).toHaveLength(1);
  });
});
