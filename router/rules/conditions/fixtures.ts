import type { RoutingFacts } from '../facts.js';

/** Facts about one message with sensible defaults, for the conditions' tests. */
export function facts(overrides: Partial<RoutingFacts> = {}): RoutingFacts {
  return {
    channel: { id: 'ch-web', type: 'web' },
    contact: { attributes: {}, tags: [] },
    text: '',
    language: undefined,
    now: new Date('2026-11-25T03:00:00Z'),
    isOpen: () => undefined,
    ...overrides,
  };
}
