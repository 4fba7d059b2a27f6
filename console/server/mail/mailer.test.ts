import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log/logger.js';
import { createMailer } from './mailer.js';

describe('mailer without SMTP', () => {
  it('writes the mail as an .eml file and logs where it is, never its contents', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sb-mail-')), 'mail');
    const lines: string[] = [];
    const mailer = createMailer(
      { outboxDir: dir, from: 'Switchboard <no-reply@localhost>' },
      createLogger('info', { write: (l: string) => void lines.push(l) }),
    );
    await mailer.send({ to: 'li.na@acme.example', subject: 'You are invited', text: 'open https://acme.example/activate?token=SECRET-TOKEN-123' });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const eml = readFileSync(join(dir, files[0]!), 'utf8');
    expect(eml).toContain('To: li.na@acme.example');
    expect(eml).toContain('SECRET-TOKEN-123');
    const log = lines.join('');
    expect(log).toContain(`file://${join(dir, files[0]!)}`);
    expect(log).not.toContain('SECRET-TOKEN-123');
  });
});
