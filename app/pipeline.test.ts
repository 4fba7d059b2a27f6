import { describe, expect, it } from 'vitest';
import type { InboundStep } from '../router/part.js';
import type { FeatureModule } from './module.js';
import { MODULES } from './modules.js';
import { assembleInboundPipeline, inboundPipeline } from './pipeline.js';
import { modulesFor } from './start.js';

describe('the composition root', () => {
  it('installs every module’s inbound steps in its place', () => {
    expect(inboundPipeline.names()).toEqual([
      'dedupe',
      'identify',
      'thread',
      'store',
      'survey-ratings',
      'channel-routing',
      'answer-bot',
      'route',
      'assign',
      'channel-endings',
      'auto-resolve-timers',
      'adopt-names',
    ]);
    expect(inboundPipeline.threadClaims.map((claim) => claim.name)).toEqual(['survey-answer']);
  });

  it('takes a new module’s steps from its entry alone', () => {
    const spamStep: InboundStep = { name: 'spam-filter', run: async () => {} };
    const filter: FeatureModule = {
      name: 'spam-filter',
      roles: ['router'],
      inbound: [{ name: 'spam-filter', steps: [{ step: spamStep, place: { before: 'route' } }] }],
    };
    const names = assembleInboundPipeline([...MODULES, filter]).names();
    expect(names.slice(names.indexOf('store'), names.indexOf('route') + 1)).toEqual([
      'store',
      'survey-ratings',
      'channel-routing',
      'answer-bot',
      'spam-filter',
      'route',
    ]);
  });

  it('runs each module in the processes of its roles, role by role', () => {
    const names = (roles: Parameters<typeof modulesFor>[0]) => modulesFor(roles).map((m) => m.name);
    expect(names(['gateway', 'router', 'console'])).toEqual([
      'gateway',
      'router',
      'reports',
      'surveys',
      'customer-media',
      'webhooks',
      'assistant',
      'survey-pages',
      'crm',
      'tickets',
      'callcenter',
      'knowledge',
      'console',
    ]);
    expect(names(['console', 'gateway'])).toEqual(['survey-pages', 'crm', 'tickets', 'callcenter', 'knowledge', 'console', 'gateway']);
    expect(names(['router'])).toEqual(['router', 'reports', 'surveys', 'customer-media', 'webhooks', 'assistant']);
  });
});
