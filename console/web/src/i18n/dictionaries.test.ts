import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { zh } from './zh.js';

/** Every feature's dictionary (./dictionaries/<feature>.ts), as en.ts and zh.ts merge them. */
const dictionaries = import.meta.glob<{ en: Record<string, string>; zh: Record<string, string> }>('./dictionaries/*.ts', { eager: true });

describe('the feature dictionaries', () => {
  it('each translate every key they define, in both languages', () => {
    for (const [file, dictionary] of Object.entries(dictionaries)) {
      expect(Object.keys(dictionary.zh).sort(), file).toEqual(Object.keys(dictionary.en).sort());
    }
  });

  it('are all merged, and no key is defined in two of them (a later one would hide the earlier)', () => {
    const keys = Object.values(dictionaries).flatMap((dictionary) => Object.keys(dictionary.en));
    expect(keys.length).toBe(new Set(keys).size);
    expect(keys.sort()).toEqual(Object.keys(en).sort());
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });
});
