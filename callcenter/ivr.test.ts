import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { enterFlow, parseFlow, pressKey, type FlowInput } from './ivr.js';

const SALES = '6f1c1f38-2a4e-4f57-9a39-1c1a8f0f0001';
const CALENDAR = '6f1c1f38-2a4e-4f57-9a39-1c1a8f0f0002';
const say = (text: string) => ({ type: 'text' as const, text });

const flow: FlowInput = {
  start: { type: 'menu', menuId: 'main' },
  businessHours: { calendarId: CALENDAR, closed: { type: 'voicemail', prompt: say('We are closed') } },
  menus: [
    { id: 'main', prompt: say('1 sales, 2 more'), options: { '1': { type: 'queue', groupId: SALES }, '2': { type: 'menu', menuId: 'more' } } },
    { id: 'more', prompt: say('0 back, 9 bye'), options: { '0': { type: 'menu', menuId: 'main' }, '9': { type: 'hangup' } }, maxRetries: 1 },
  ],
};

function issuesOf(input: unknown): string[] {
  try {
    parseFlow(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  return [];
}

describe('phone menu checks', () => {
  it('accepts a flow whose menus lead to each other and out', () => {
    expect(issuesOf(flow)).toEqual([]);
  });

  it('refuses an option that names a menu that does not exist', () => {
    const bad = { ...flow, menus: [{ ...flow.menus![0]!, options: { '3': { type: 'menu', menuId: 'ghost' } } }] };
    expect(issuesOf(bad)).toEqual(['menus.0.options.3: no menu "ghost"']);
  });

  it('refuses a loop of menus with no way out', () => {
    const loop = {
      start: { type: 'menu', menuId: 'a' },
      menus: [
        { id: 'a', prompt: say('a'), options: { '1': { type: 'menu', menuId: 'b' } } },
        { id: 'b', prompt: say('b'), options: { '1': { type: 'menu', menuId: 'a' } }, onExhausted: { type: 'hangup' } },
      ],
    };
    expect(issuesOf(loop)).toEqual([
      'menus.0.options: menu "a" only leads to menus: a caller can never leave it',
      'menus.1.options: menu "b" only leads to menus: a caller can never leave it',
    ]);
  });

  it('refuses twice-defined menus, unknown keys and a menu without keys', () => {
    expect(issuesOf({ start: { type: 'hangup' }, menus: [{ id: 'x', prompt: say('x'), options: { A: { type: 'hangup' } } }] })[0]).toMatch(
      /^menus\.0\.options: Unrecognized key: "A"/,
    );
    const twice = { start: { type: 'menu', menuId: 'x' }, menus: [0, 1].map(() => ({ id: 'x', prompt: say('x'), options: { '1': { type: 'hangup' } } })) };
    expect(issuesOf(twice)).toEqual(['menus.1.id: menu "x" is defined twice']);
    expect(issuesOf({ start: { type: 'hangup' }, menus: [{ id: 'x', prompt: say('x'), options: {} }] })).toEqual([
      'menus.0.options: a menu needs at least one key',
    ]);
  });
});

describe('walking a phone menu', () => {
  const parsed = parseFlow(flow);

  it('sends callers outside business hours to the closed branch', () => {
    expect(enterFlow(parsed, false)).toMatchObject({ kind: 'exit', target: { type: 'voicemail' }, via: 'closed' });
    expect(enterFlow(parsed, true)).toMatchObject({ kind: 'menu', menu: { id: 'main' } });
  });

  it('follows keys through sub-menus to a queue', () => {
    const more = pressKey(parsed, { menuId: 'main', retries: 0 }, '2');
    expect(more).toMatchObject({ kind: 'menu', menu: { id: 'more' } });
    const back = pressKey(parsed, { menuId: 'more', retries: 0 }, '0');
    expect(back).toMatchObject({ kind: 'menu', menu: { id: 'main' } });
    expect(pressKey(parsed, { menuId: 'main', retries: 0 }, '1')).toEqual({ kind: 'exit', target: { type: 'queue', groupId: SALES }, via: 'key 1' });
  });

  it('repeats the menu on a wrong key or silence, then hangs up when the retries are used up', () => {
    expect(pressKey(parsed, { menuId: 'more', retries: 0 }, '5')).toMatchObject({ kind: 'menu', position: { retries: 1 } });
    expect(pressKey(parsed, { menuId: 'more', retries: 1 }, null)).toMatchObject({ kind: 'exit', target: { type: 'hangup' }, via: 'no key' });
  });
});
