import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The parts of a bundle chunk the budget needs (a subset of Rollup's OutputChunk). */
export interface ChunkInfo {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  imports: string[];
  code: string;
}
export type BundleInfo = Record<string, ChunkInfo | { type: 'asset'; fileName: string }>;

/**
 * The JavaScript a browser must load before the app can start: every entry chunk and what it
 * imports statically, transitively. Lazy chunks (dynamic imports) are left out.
 */
export function initialChunks(bundle: BundleInfo): ChunkInfo[] {
  const seen = new Map<string, ChunkInfo>();
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (chunk?.type !== 'chunk' || seen.has(fileName)) return;
    seen.set(fileName, chunk);
    for (const imported of chunk.imports) visit(imported);
  };
  for (const item of Object.values(bundle)) if (item.type === 'chunk' && item.isEntry) visit(item.fileName);
  return [...seen.values()];
}

export function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}

export interface BudgetReport {
  initialGzipBytes: number;
  totalGzipBytes: number;
  chunks: { fileName: string; gzipBytes: number; initial: boolean }[];
}

export function measure(bundle: BundleInfo): BudgetReport {
  const initial = new Set(initialChunks(bundle).map((chunk) => chunk.fileName));
  const chunks = Object.values(bundle)
    .filter((item): item is ChunkInfo => item.type === 'chunk')
    .map((chunk) => ({ fileName: chunk.fileName, gzipBytes: gzipSize(chunk.code), initial: initial.has(chunk.fileName) }));
  const sum = (list: typeof chunks) => list.reduce((total, chunk) => total + chunk.gzipBytes, 0);
  return { initialGzipBytes: sum(chunks.filter((chunk) => chunk.initial)), totalGzipBytes: sum(chunks), chunks };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Fails the build when the initial JavaScript grows past the budget, and writes the figures to
 * dist/bundle-size.json so tests and people can read them.
 */
export function initialBudget(options: { maxGzipBytes: number }): Plugin {
  return {
    name: 'switchboard-initial-budget',
    apply: 'build',
    generateBundle(_output, bundle) {
      const report = measure(bundle as unknown as BundleInfo);
      for (const chunk of report.chunks) {
        this.info(`${chunk.initial ? 'initial' : 'lazy   '} ${chunk.fileName} ${kb(chunk.gzipBytes)} gzipped`);
      }
      this.info(`initial JavaScript ${kb(report.initialGzipBytes)} gzipped (budget ${kb(options.maxGzipBytes)}), all ${kb(report.totalGzipBytes)}`);
      if (report.initialGzipBytes > options.maxGzipBytes) {
        this.error(`initial JavaScript is ${kb(report.initialGzipBytes)} gzipped, over the budget of ${kb(options.maxGzipBytes)}`);
      }
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-size.json',
        source: `${JSON.stringify({ ...report, budgetGzipBytes: options.maxGzipBytes }, null, 2)}\n`,
      });
    },
  };
}
