import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

describe('switchboard connector new', () => {
  // A project of its own beside this one, so the suite's files are untouched.
  const root = mkdtempSync(join(tmpdir(), 'sb-scaffold-'));
  // The new connector's folder is the only real one: the rest of the tree (the kit's embedded
  // services need every module's migrations) is the repository's own.
  for (const entry of readdirSync(repo, { withFileTypes: true })) {
    if (entry.isDirectory() && !['connectors', '.git', 'dist'].includes(entry.name)) symlinkSync(join(repo, entry.name), join(root, entry.name));
  }
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' },
      timeout: 120_000,
    });

  it('writes a connector folder whose conformance test passes as written', { timeout: 150_000 }, () => {
    const made = run([join(repo, 'console/cli/dev.mjs'), 'connector', 'new', 'demo-chat']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    for (const file of ['connector.ts', 'inbound.ts', 'normalize.ts', 'send.ts', 'fixtures/message.json', 'conformance.test.ts']) {
      expect(existsSync(join(root, 'connectors/demo-chat', file)), file).toBe(true);
    }
    const tested = run([join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', root, 'connectors/demo-chat']);
    expect(tested.stdout + tested.stderr).toMatch(/Tests\s+.*8 passed/);
    expect(tested.status).toBe(0);
  });

  it('refuses a bad name and an existing folder', () => {
    expect(run([join(repo, 'console/cli/dev.mjs'), 'connector', 'new', 'Bad Name']).status).not.toBe(0);
    const again = run([join(repo, 'console/cli/dev.mjs'), 'connector', 'new', 'demo-chat']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already exists');
  });
});
