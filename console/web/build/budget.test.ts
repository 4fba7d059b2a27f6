import { describe, expect, it } from 'vitest';
import { initialChunks, measure, type BundleInfo } from './budget.js';

const chunk = (fileName: string, isEntry: boolean, imports: string[], code = 'x') => ({ type: 'chunk' as const, fileName, isEntry, imports, code });

describe('initial budget', () => {
  const bundle: BundleInfo = {
    'index.js': chunk('index.js', true, ['react.js']),
    'react.js': chunk('react.js', false, ['shared.js'], 'r'.repeat(5000)),
    'shared.js': chunk('shared.js', false, []),
    'inbox.js': chunk('inbox.js', false, ['shared.js'], 'i'.repeat(5000)),
    'style.css': { type: 'asset', fileName: 'style.css' },
  };
  it('counts entries and their static imports, transitively, and leaves lazy chunks out', () => {
    expect(
      initialChunks(bundle)
        .map((c) => c.fileName)
        .sort(),
    ).toEqual(['index.js', 'react.js', 'shared.js']);
  });
  it('measures gzipped sizes', () => {
    const report = measure(bundle);
    expect(report.chunks.find((c) => c.fileName === 'inbox.js')).toMatchObject({ initial: false });
    expect(report.initialGzipBytes).toBeGreaterThan(0);
    expect(report.initialGzipBytes).toBeLessThan(report.totalGzipBytes);
  });
});
