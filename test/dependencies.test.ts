import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The lock file pins every package a production install gets. These versions have published
 * advisories and fixed releases with the same API; package.json's `overrides` lift them (see
 * docs/operations.md, "Dependencies"). A fresh lock that brought one back fails here.
 */
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean }>;
};

const versionsOf = (name: string) =>
  Object.entries(lock.packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([path, entry]) => ({ path, version: entry.version! }));

const parts = (version: string) => version.split(/[.-]/).slice(0, 3).map(Number) as [number, number, number];
/** Whether `version` is at least one of the fixed releases on its major line (or above the last fixed line). */
function fixed(version: string, fixedIn: string[]): boolean {
  const [major, minor, patch] = parts(version);
  const line = fixedIn.map(parts).find(([m]) => m === major);
  if (!line) return major > Math.max(...fixedIn.map((f) => parts(f)[0]));
  const [, fMinor, fPatch] = line;
  return minor > fMinor || (minor === fMinor && patch >= fPatch);
}

describe('dependencies', () => {
  it.each([
    ['form-data', ['2.5.4', '3.0.4', '4.0.4']], // CVE-2025-7783: predictable multipart boundary
    ['tough-cookie', ['4.1.3']], // CVE-2023-26136: prototype pollution
    ['xml2js', ['0.5.0']], // CVE-2023-0842: prototype pollution
  ] as const)('no %s release with a known advisory is installed', (name, fixedIn) => {
    const found = versionsOf(name);
    expect(found.length, `${name} is in the lock file`).toBeGreaterThan(0);
    expect(found.filter(({ version }) => !fixed(version, [...fixedIn]))).toEqual([]);
  });

  it('keeps the build tools out of a production install', () => {
    for (const name of ['vite', 'esbuild', '@vitejs/plugin-react', 'tsx']) expect(lock.packages[`node_modules/${name}`]?.dev, name).toBe(true);
  });
});
