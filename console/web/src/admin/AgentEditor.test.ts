import { describe, expect, it } from 'vitest';
import { chosenSkills } from './AgentEditor.js';

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
