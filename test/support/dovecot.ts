import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = '/usr/sbin/dovecot';
const NOBODY = 65534;

export const dovecotAvailable = existsSync(DOVECOT);

export interface Dovecot {
  host: string;
  port: number;
  users: Record<string, string>;
  /** A logged-in client for a user, to put mail in and look at folders as a mail client would. */
  client(user: string): Promise<ImapFlow>;
  /**
   * Writes messages straight into a user's INBOX Maildir (`new/`), as a delivery agent would:
   * fast for large mailboxes. Dovecot gives them UIDs when a client next looks.
   */
  fillMaildir(user: string, messages: Iterable<Buffer | string>): number;
  /** APPENDs raw messages to a user's folder (created if missing); returns their UIDs. */
  deliver(user: string, folder: string, messages: (Buffer | string)[]): Promise<number[]>;
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private Dovecot for one test file: its own config, users file, Maildirs, sockets and log
 * under a temp folder, listening on a free loopback port (IMAP, no TLS, plain login).
 * `idle: false` takes IDLE out of the capabilities, like servers that only allow polling.
 */
export async function startDovecot(options: { users: Record<string, string>; idle?: boolean }): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-dovecot-'));
  const port = await freePort();
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  // The mail processes run as nobody; the mail folders must be theirs.
  chownSync(join(dir, 'mail'), NOBODY, NOBODY);
  spawnSync('chmod', ['755', dir]);
  const users = Object.entries(options.users)
    .map(([user, password]) => `${user}:{PLAIN}${password}:${NOBODY}:${NOBODY}::${join(dir, 'mail', user)}`)
    .join('\n');
  writeFileSync(join(dir, 'users'), `${users}\n`);
  const capability = options.idle === false ? 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS NAMESPACE' : '';
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
first_valid_uid = 1
first_valid_gid = 1
${capability}
passdb {
  driver = passwd-file
  args = ${join(dir, 'users')}
}
userdb {
  driver = passwd-file
  args = ${join(dir, 'users')}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  // The master forks into the background; its stdio must not be ours, or we would wait for it forever.
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(DOVECOT, ['-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`dovecot exited with ${code}: ${readFileSync(join(dir, 'dovecot.log'), 'utf8')}`);
  const log = () => (existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '');
  await waitForPort(port, log);

  const client = async (user: string) => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: options.users[user]! },
      logger: false,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    imap.on('error', () => {});
    await imap.connect();
    return imap;
  };
  return {
    host: '127.0.0.1',
    port,
    users: options.users,
    client,
    log,
    fillMaildir: (user, messages) => {
      const maildir = join(dir, 'mail', user, 'Maildir');
      for (const sub of ['', 'cur', 'new', 'tmp']) {
        mkdirSync(join(maildir, sub), { recursive: true });
      }
      for (const path of [join(dir, 'mail', user), maildir, join(maildir, 'cur'), join(maildir, 'new'), join(maildir, 'tmp')]) chownSync(path, NOBODY, NOBODY);
      let n = 0;
      const stamp = Math.floor(Date.now() / 1000);
      for (const message of messages) {
        const file = join(maildir, 'new', `${stamp}.M${n}P${process.pid}.switchboard-test`);
        writeFileSync(file, message);
        chownSync(file, NOBODY, NOBODY);
        n++;
      }
      return n;
    },
    deliver: async (user, folder, messages) => {
      const imap = await client(user);
      try {
        if (folder !== 'INBOX') await imap.mailboxCreate(folder).catch(() => {});
        const uids: number[] = [];
        for (const message of messages) {
          const appended = await imap.append(folder, message);
          if (appended !== false && appended.uid) uids.push(appended.uid);
        }
        return uids;
      } finally {
        await imap.logout().catch(() => imap.close());
      }
    },
    stop: async () => {
      const pidFile = join(dir, 'run', 'master.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
        for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}:\n${log()}`);
}
