import { describe, expect, it } from 'vitest';
import { fillCannedVariables, unknownCannedVariables } from './canned-variables.js';

describe('canned response variables', () => {
  it("fills the contact's and the agent's details", () => {
    expect(
      fillCannedVariables('Hello {{contact.name}}, this is {{ agent.name }}. We wrote to {{contact.email}}.', {
        'contact.name': '王芳',
        'agent.name': 'Li Lei',
        'contact.email': 'wang@example.com',
      }),
    ).toBe('Hello 王芳, this is Li Lei. We wrote to wang@example.com.');
  });
  it('leaves no braces when a value is not known, and keeps text that only looks like one', () => {
    expect(fillCannedVariables('Hello {{contact.name}}, how can I help?', {})).toBe('Hello, how can I help?');
    expect(fillCannedVariables('Dear {{contact.name}}\nThanks', { 'contact.name': '' })).toBe('Dear \nThanks');
    expect(fillCannedVariables('Use {{order.id}} here', { 'contact.name': 'A' })).toBe('Use {{order.id}} here');
  });
  it('names placeholders that are not variables', () => {
    expect(unknownCannedVariables('Hi {{contact.nmae}} and {{agent.name}} {{ x }}')).toEqual(['{{contact.nmae}}', '{{ x }}']);
  });
});
