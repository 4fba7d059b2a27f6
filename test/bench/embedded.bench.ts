// The embedded install on a small machine: `npm start` with no DATABASE_URL or AMQP_URL (the
// built bundle, PGlite, the in-process bus), measured from outside as a person would see it in
// `top`. RSS right after start (a new data folder, so initdb and every migration run), then a
// busy day played through the HTTP APIs: customers write through the app API at BENCH_RATE
// messages a second; every tenth message the admin lists their conversations, answers one and
// resolves it.
// BENCH_MINUTES (default 5; 60 for the hour the issue names) sets how long.
// Needs `npm run build` first (npm ci runs it).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const minutes = Number(process.env.BENCH_MINUTES ?? 5);
const rate = Number(process.env.BENCH_RATE ?? 20);
const customers = Number(process.env.BENCH_CUSTOMERS ?? 500);
const repo = resolve(import.meta.dirname, '../..');

const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
};

const dataDir = mkdtempSync(join(tmpdir(), 'sb-embedded-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SECRET_KEY: 'cd'.repeat(32), LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.AMQP_URL;
const started = performance.now();
const server = spawn(process.execPath, [join(repo, 'console/cli/bin.mjs'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const stop = () => {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
};

try {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (performance.now() - started > 180_000) throw new Error('the server was not ready after 180 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  const readySeconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 5000));
  const afterStart = rssMb(server.pid!);

  // The company, its admin's session, and an app API channel.
  const json = { 'content-type': 'application/json' };
  const signup = await fetch(`${base}/api/signup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ companyName: 'Bench Tea', slug: 'bench', name: 'Bench admin', email: 'admin@bench.test', password: 'bench admin password' }),
  });
  if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}`);
  const { csrfToken } = (await signup.json()) as { csrfToken: string };
  const cookie = signup.headers.get('set-cookie')?.split(';')[0] ?? '';
  const admin = { ...json, cookie, 'x-csrf-token': csrfToken, 'x-switchboard-tenant': 'bench' };
  const channel = await fetch(`${base}/api/channels`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ type: 'app-api', name: 'Bench app', config: { webhookSecret: 'bench-webhook-secret-0123456789' } }),
  });
  if (channel.status !== 201) throw new Error(`adding the channel answered ${channel.status}: ${await channel.text()}`);
  const created = (await channel.json()) as { channel: { id: string }; apiKey: string };
  const online = await fetch(`${base}/api/agent/status`, { method: 'PUT', headers: admin, body: JSON.stringify({ status: 'online' }) });
  if (online.status !== 200) throw new Error(`going online answered ${online.status}`);

  let sent = 0;
  let replies = 0;
  let errors = 0;
  let peakDuring = afterStart.rss;
  const until = performance.now() + minutes * 60_000;
  const tick = 1000 / rate;
  let next = performance.now();
  while (performance.now() < until) {
    const n = sent++;
    const answer = await fetch(`${base}/hooks/${created.channel.id}/messages`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${created.apiKey}` },
      body: JSON.stringify({
        clientMessageId: `m-${n}`,
        user: { id: `c-${n % customers}`, name: `Customer ${n % customers}` },
        text: `Where is my order ${n}?`,
      }),
    });
    if (answer.status !== 202 && errors++ === 0) process.stderr.write(`a message answered ${answer.status}: ${await answer.text()}\n`);
    else await answer.arrayBuffer();
    if (n % 10 === 9) {
      // The admin answers one (taking it if it waits) and resolves it, which keeps room to take the next.
      const listed = async (filter: string) => {
        const list = await fetch(`${base}/api/conversations?limit=50${filter}`, { headers: admin });
        return ((await list.json().catch(() => ({}))) as { conversations?: { id: string }[] }).conversations ?? [];
      };
      // Theirs first (the router gives the admin up to their capacity); a waiting one when they have none.
      let conversations = await listed('&assigneeId=me&status=open');
      if (conversations.length === 0) conversations = await listed('');
      if (process.env.BENCH_DEBUG) process.stderr.write(`${conversations.length} conversations listed\n`);
      const target = conversations[n % Math.max(1, conversations.length)];
      if (target) {
        const reply = await fetch(`${base}/api/conversations/${target.id}/messages`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ clientId: `r-${n}`, text: 'It left the warehouse this morning.' }),
        });
        if (reply.status < 300) {
          replies++;
          await (await fetch(`${base}/api/conversations/${target.id}/resolve`, { method: 'POST', headers: admin, body: '{}' })).arrayBuffer();
        } else if (errors++ === 0) process.stderr.write(`a reply answered ${reply.status}: ${await reply.text()}\n`);
      }
    }
    if (n % 100 === 0) peakDuring = Math.max(peakDuring, rssMb(server.pid!).rss);
    next += tick;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const end = rssMb(server.pid!);
  process.stdout.write(
    `${JSON.stringify({
      scenario: 'embedded_small_machine',
      ready_seconds: Number(readySeconds.toFixed(1)),
      rss_after_start_mb: afterStart.rss,
      peak_rss_during_start_mb: afterStart.peak,
      minutes,
      offered_per_second: rate,
      messages_sent: sent,
      replies_sent: replies,
      errors,
      rss_peak_during_load_mb: Math.max(peakDuring, end.rss),
      rss_end_mb: end.rss,
      peak_rss_mb: end.peak,
    })}\n`,
  );
} finally {
  stop();
}
