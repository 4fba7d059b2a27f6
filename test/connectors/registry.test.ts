import { describe, expect, it } from 'vitest';
import { builtInConnectors } from '../../connectors/index.js';
import { loadConnectors } from '../../core/connector/registry.js';

const thirdParty = new URL('../../core/connector/fixtures/third-party-connector.ts', import.meta.url).href;

describe('connector registry', () => {
  it('loads the built-in connectors and a package named in configuration', async () => {
    const registry = await loadConnectors(builtInConnectors, [thirdParty]);
    expect(registry.list().map((c) => c.type)).toEqual(expect.arrayContaining(['app-api', 'third-party']));
    expect(registry.require('third-party').displayName).toBe('Third party');
  });

  it('stops with the package name when a package is missing or exports no connector', async () => {
    await expect(loadConnectors([], ['switchboard-connector-that-is-not-installed'])).rejects.toThrow(/switchboard-connector-that-is-not-installed/);
    await expect(loadConnectors([], ['not-a-connector'], async () => ({ default: { type: 'x' } }))).rejects.toThrow(/not-a-connector .*has no displayName/);
  });

  it('refuses two connectors of one type', async () => {
    await expect(loadConnectors(builtInConnectors, [thirdParty, thirdParty])).rejects.toThrow(/two connectors declare the type "third-party"/);
  });
});
