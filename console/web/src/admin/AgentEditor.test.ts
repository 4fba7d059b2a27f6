import { describe, expect, it } from 'vitest';
import { chosenCapacity, chosenSkills } from './AgentEditor.js';

describe('chosenSkills', () => {
  it('keeps the checked skills with their level, clamped to 1–5', () => {
    const form = new FormData();
    form.set('skill-a', 'on');
    form.set('level-a', '4');
    form.set('level-b', '2');
    form.set('skill-c', 'on');
    form.set('level-c', '9');
    expect(chosenSkills(form, ['a', 'b', 'c'])).toEqual([
      { skillId: 'a', level: 4 },
      { skillId: 'c', level: 5 },
    ]);
  });
});

describe('chosenCapacity', () => {
  it('keeps the kinds filled in with whole numbers, and leaves the rest alone', () => {
    const form = new FormData();
    form.set('capacity-chat', ' 4 ');
    form.set('capacity-email', '');
    form.set('capacity-voice', '1.5');
    expect(chosenCapacity(form)).toEqual({ chat: 4 });
  });
});
