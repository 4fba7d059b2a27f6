import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, parseAllowEntry, type AllowEntry } from './addresses.js';
import { OutboundClient, OutboundFailedError, OutboundRefusedError, OutboundTooLargeError } from './outbound.js';

const allow = (...entries: string[]): AllowEntry[] => entries.map((e) => parseAllowEntry(e)!);

describe('address policy', () => {
  const policy = new AddressPolicy();

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '0.0.0.0',
    '0.1.2.3',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '192.0.0.192',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '[::1]',
  ])('refuses %s', (address) => {
    expect(policy.refusal(address)).toBeDefined();
  });

  it.each(['1.1.1.1', '8.8.8.8', '100.128.0.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it('makes the operator’s exceptions reachable, and nothing next to them', () => {
    const lan = new AddressPolicy(allow('10.0.0.0/24', '::1', 'pbx.internal'));
    expect(lan.refusal('10.0.0.7')).toBeUndefined();
    expect(lan.refusal('::ffff:10.0.0.7')).toBeUndefined();
    expect(lan.refusal('10.0.1.7')).toBeDefined();
    expect(lan.refusal('::1')).toBeUndefined();
    expect(lan.refusal('127.0.0.1')).toBeDefined();
    expect(lan.allowsName('PBX.internal.')).toBe(true);
    expect(lan.allowsName('other.internal')).toBe(false);
  });

  it('reads an allow-list entry as a name, an address or a network, and nothing else', () => {
    expect(parseAllowEntry('10.0.0.0/8')).toEqual({ kind: 'subnet', address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAllowEntry('[::1]')).toEqual({ kind: 'subnet', address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseAllowEntry('Ollama.LAN')).toEqual({ kind: 'host', name: 'ollama.lan' });
    for (const bad of ['10.0.0.0/33', 'pbx.internal/8', 'http://x', 'a b', '10.0.0.0/x', '']) expect(parseAllowEntry(bad)).toBeUndefined();
  });
});

describe('the guarded client', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  let secretsServed = 0;
  let releaseSlow: (() => void) | undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/to-loopback') response.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
      else if (request.url === '/big') response.end(Buffer.alloc(64 * 1024));
      else if (request.url === '/slow') {
        // A long recording: the first part now, the rest only when the test says so.
        response.writeHead(200, { 'content-type': 'audio/wav' });
        response.write(Buffer.alloc(16 * 1024, 1));
        releaseSlow = () => response.end(Buffer.alloc(16 * 1024, 2));
      } else if (request.url === '/endless') {
        response.writeHead(200);
        const timer = setInterval(() => response.write(Buffer.alloc(8 * 1024)), 5);
        response.on('close', () => clearInterval(timer));
      } else {
        secretsServed++;
        response.end('internal secret');
      }
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const refused = async (client: OutboundClient, url: string) => {
    const before = connections;
    await expect(client.fetch(url)).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(connections).toBe(before);
  };

  it('refuses loopback however the address is written, before connecting', async () => {
    const client = new OutboundClient();
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '0177.0.0.1', '127.1', '[::1]', '[::ffff:127.0.0.1]', 'localhost', 'LOCALHOST.']) {
      await refused(client, `http://${host}:${port}/secret`);
    }
    await client.close();
  });

  it('refuses other schemes and credentials in the address', async () => {
    const client = new OutboundClient();
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://example.com/', 'data:text/plain,x', 'http://user:pw@example.com/']) {
      await expect(client.fetch(url)).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await client.close();
  });

  it('reaches an allowed address, does not follow a redirect unless asked, and checks every hop when it does', async () => {
    const viaName = new OutboundClient({ allow: allow('localhost') });
    // Allowed by name: the name's hop is fine, the redirect to the literal loopback address is not.
    const hop = await viaName.fetch(`http://localhost:${port}/to-loopback`);
    expect(hop.status).toBe(302);
    const before = secretsServed;
    await expect(viaName.fetch(`http://localhost:${port}/to-loopback`, { followRedirects: true })).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(secretsServed).toBe(before);
    await viaName.close();

    const open = new OutboundClient({ allow: allow('127.0.0.1') });
    expect(await (await open.fetch(`http://127.0.0.1:${port}/to-loopback`, { followRedirects: true })).text()).toBe('internal secret');
    await open.close();
  });

  it('stops reading an answer past its size limit', async () => {
    const client = new OutboundClient({ allow: allow('127.0.0.1') });
    await expect(client.fetch(`http://127.0.0.1:${port}/big`, { maxBytes: 1024 })).rejects.toBeInstanceOf(OutboundTooLargeError);
    expect((await client.fetch(`http://127.0.0.1:${port}/big`)).status).toBe(200);
    await client.close();
  });

  it('hands a streamed answer on as it arrives, and still cuts it off past its limit', async () => {
    const client = new OutboundClient({ allow: allow('127.0.0.1') });
    const answer = await client.fetch(`http://127.0.0.1:${port}/slow`, { stream: true });
    const reader = answer.body!.getReader();
    // The first part is readable while the upstream has not finished.
    const first = await reader.read();
    expect(first.value?.[0]).toBe(1);
    expect(releaseSlow).toBeTypeOf('function');
    releaseSlow!();
    let total = first.value!.byteLength;
    for (let next = await reader.read(); !next.done; next = await reader.read()) total += next.value.byteLength;
    expect(total).toBe(32 * 1024);

    const endless = await client.fetch(`http://127.0.0.1:${port}/endless`, { stream: true, maxBytes: 256 * 1024 });
    const read = (async () => {
      for await (const _ of endless.body!) {
        // drained
      }
    })();
    await expect(read).rejects.toBeInstanceOf(OutboundTooLargeError);
    await client.close();
  });

  it('says the same about a closed port and an address that never answers', async () => {
    const client = new OutboundClient({ allow: allow('127.0.0.1', '192.0.2.0/24') });
    const closed = (await client.fetch('http://127.0.0.1:1/').catch((e: Error) => e)) as Error;
    // TEST-NET-1: routed nowhere, so the connection attempt runs out of time.
    const silent = (await client.fetch('http://192.0.2.1/', { timeoutMs: 500 }).catch((e: Error) => e)) as Error;
    expect(closed).toBeInstanceOf(OutboundFailedError);
    expect(silent).toBeInstanceOf(OutboundFailedError);
    expect(closed.message.replace('127.0.0.1', 'X')).toBe(silent.message.replace('192.0.2.1', 'X'));
    await client.close();
  });

  it('gives a mail client the checked address and keeps the name for TLS', async () => {
    const client = new OutboundClient({ allow: allow('localhost') });
    expect(await client.resolve('localhost')).toMatchObject({ servername: 'localhost' });
    await expect(new OutboundClient().resolve('localhost')).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(new OutboundClient().resolve('169.254.169.254')).rejects.toBeInstanceOf(OutboundRefusedError);
    await client.close();
  });
});
