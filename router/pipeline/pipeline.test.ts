import { describe, expect, it } from 'vitest';
import { InboundPipeline, type InboundStep } from './pipeline.js';
import { createInboundPipeline } from './process-batch.js';

const step = (name: string, ran: string[] = []): InboundStep => ({ name, run: async () => void ran.push(name) });

describe('the inbound pipeline', () => {
  it('runs the router’s own steps in order when no feature is installed', () => {
    expect(createInboundPipeline([]).names()).toEqual(['dedupe', 'identify', 'thread', 'store', 'route', 'assign', 'adopt-names']);
  });

  it('lets a feature add a step between thread and route, and runs the steps in that order', async () => {
    const ran: string[] = [];
    const pipeline = new InboundPipeline(['dedupe', 'thread', 'store', 'route'].map((n) => step(n, ran)));
    pipeline.install({ name: 'answer-bot', steps: [{ step: step('answer-bot', ran), place: { before: 'route' } }] });
    pipeline.use(step('after-thread', ran), { after: 'thread' });
    expect(pipeline.names()).toEqual(['dedupe', 'thread', 'after-thread', 'store', 'answer-bot', 'route']);
    await pipeline.run({} as never);
    expect(ran).toEqual(pipeline.names());
  });

  it('refuses a step placed beside one that is not there, or a name used twice', () => {
    const pipeline = new InboundPipeline([step('thread')]);
    expect(() => pipeline.use(step('bot'), { before: 'route' })).toThrow(/no step "route"/);
    expect(() => pipeline.use(step('thread'), { after: 'thread' })).toThrow(/twice/);
  });
});
