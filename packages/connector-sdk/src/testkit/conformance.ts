import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { secretFields, type AnyConnector } from '../define.js';
import { ConnectorError, ValidationError } from '../errors.js';
import type { ContentKind, ContentPart, InboundEnvelope, OutboundEnvelope } from '../messages.js';
import { openMemoryHost, type Harness } from './host.js';

export type Credentials = 'valid' | 'missing' | 'bad';

/** Where a connector's sends land in a test: a fake provider, or the bus for the web chat. */
export interface SendTarget<H extends Harness = Harness> {
  /** Settings that point the channel at this target. */
  settings: Record<string, unknown>;
  /** What the target received, oldest first. */
  received(): Promise<unknown[]>;
  /** Called once the channel exists, for targets that listen on the harness (the bus, say). */
  attach?(harness: H): Promise<void>;
  close(): Promise<void>;
}

export interface SendFailureCase<H extends Harness = Harness> {
  name: string;
  /** Makes the next send fail in this way. */
  arrange(target: SendTarget<H>, harness: H): Promise<void> | void;
  /** Sends to this customer instead of the usual one (an unknown recipient, say). */
  recipient?: string;
  retryable: boolean;
}

/** What a connector tells the kit so it can drive it like its provider would. */
export interface ConformanceSubject<H extends Harness = Harness> {
  connector: AnyConnector;
  /** The channel's settings in the test, secrets included; merged over the send target's. */
  settings: Record<string, unknown>;
  /** Provider payloads, at least one for every content kind the connector declares it receives. */
  samples: Partial<Record<ContentKind, unknown>>;
  /**
   * The HTTP request the provider would make to deliver `body`, with good, missing or bad
   * credentials. Not for a pull connector: its payloads (JSON) go through `ctx.accept` as its
   * loop hands them over, and it has no webhook whose signature could be forged.
   */
  request?(harness: H, body: Buffer, credentials: Credentials): Promise<{ path: string; init: RequestInit }> | { path: string; init: RequestInit };
  /** The bytes of a payload on the wire (JSON unless said otherwise). */
  encode?(payload: unknown): Buffer;
  sendTarget(): Promise<SendTarget<H>>;
  /** The customer sends go to, when the channel must know them first (a web chat visitor). */
  recipient?(harness: H): Promise<string>;
  /**
   * The part the kit sends for a kind, where its own sample cannot work — media a provider only
   * takes as an upload, say, which the connector reads from the attachment store. Undefined: the
   * kit's sample.
   */
  outboundPart?(kind: ContentKind, harness: H): Promise<ContentPart | undefined> | ContentPart | undefined;
  /** Ways a send can fail, with whether a retry may help. At least one. */
  sendFailures: SendFailureCase<H>[];
  /**
   * Opens the world the checks run in: the connector with one channel of `settings`. By default
   * the SDK's in-memory platform (`openMemoryHost`); the Switchboard repository passes its real
   * gateway, database and bus.
   */
  open?: (connector: AnyConnector, settings: Record<string, unknown>) => Promise<H>;
  /**
   * Runs published envelopes through the real inbound pipeline (the router) and returns how many
   * messages with this external id are stored. Without it, the kit checks that a replay carries
   * the same dedupe key (channel, external id), which the pipeline's unique index enforces.
   */
  storedCount?: (harness: H, envelopes: InboundEnvelope[], externalId: string) => Promise<number>;
  /** fast-check runs for the malformed-payload property (default 60). */
  propertyRuns?: number;
}

// Generous, so the kit passes on a loaded machine and in projects without a vitest config.
const HOOK_TIMEOUT = 120_000;
const TEST_TIMEOUT = 60_000;

const sampleOutboundPart = (kind: ContentKind): ContentPart => {
  switch (kind) {
    case 'text':
      return { type: 'text', text: 'Your order ships today.' };
    case 'location':
      return { type: 'location', latitude: 31.2304, longitude: 121.4737, label: 'Shanghai' };
    case 'link':
      return { type: 'link', url: 'https://example.com/track/1', title: 'Track it' };
    case 'event':
      return { type: 'event', name: 'order.shipped', data: { orderId: 'A-1' } };
    default:
      return { type: kind, url: 'https://example.com/files/receipt', name: 'receipt', mimeType: kind === 'image' ? 'image/png' : 'application/pdf', size: 10 };
  }
};

/**
 * The checks every connector passes, as one vitest `describe` block:
 *
 *   describeConformance({ connector, settings, samples, request, sendTarget, sendFailures });
 */
export function describeConformance<H extends Harness = Harness>(subject: ConformanceSubject<H>): void {
  const { connector } = subject;
  const encode = subject.encode ?? ((payload: unknown) => Buffer.from(JSON.stringify(payload)));
  const answers: string[] = [];
  const pull = connector.inbound?.kind === 'pull';
  if (!pull && !subject.request) throw new TypeError(`conformance for ${connector.type}: a webhook connector needs request()`);

  describe(`connector conformance: ${connector.type}`, () => {
    let harness: H;
    let target: SendTarget<H>;

    beforeAll(async () => {
      target = await subject.sendTarget();
      const open = subject.open ?? ((c: AnyConnector, settings: Record<string, unknown>) => openMemoryHost(c, settings) as unknown as Promise<H>);
      harness = await open(connector, { ...target.settings, ...subject.settings });
      await target.attach?.(harness);
    }, HOOK_TIMEOUT);
    afterAll(async () => {
      await target?.close();
      await harness?.close();
    }, HOOK_TIMEOUT);

    async function deliver(body: Buffer, credentials: Credentials = 'valid'): Promise<Response> {
      if (pull) {
        const response = await acceptPulled(harness, body);
        answers.push(await response.clone().text());
        return response;
      }
      const { path, init } = await subject.request!(harness, body, credentials);
      const response = await harness.request(path, init);
      answers.push(await response.clone().text());
      return response;
    }

    const publishedSince = async (before: number, expected: number) => {
      const deadline = Date.now() + 5000;
      while (harness.published.length - before < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 30));
      return harness.published.slice(before);
    };

    it('declares a sample payload for every content kind it receives', { timeout: TEST_TIMEOUT }, () => {
      for (const kind of connector.capabilities.receive) expect(subject.samples[kind], `sample for "${kind}"`).toBeDefined();
    });

    it('accepts every sample with 2xx only after the bus took it, normalized into the declared kind', { timeout: TEST_TIMEOUT }, async () => {
      for (const kind of connector.capabilities.receive) {
        const before = harness.published.length;
        const response = await deliver(encode(subject.samples[kind]));
        expect(response.status, `${kind}: ${answers.at(-1)}`).toBeLessThan(300);
        // The confirm came before the answer, so the message is on the bus already.
        const envelopes = await publishedSince(before, 1);
        expect(envelopes.length).toBeGreaterThanOrEqual(1);
        const envelope = envelopes[0]!;
        expect(envelope).toMatchObject({ version: 1, channelId: harness.channel.id, tenantId: harness.tenantId, channelType: connector.type });
        expect(envelope.message.parts.map((p) => p.type)).toContain(kind);
      }
    });

    it('stores a replayed inbound once', { timeout: TEST_TIMEOUT }, async () => {
      const sample = subject.samples.text ?? Object.values(subject.samples)[0];
      const before = harness.published.length;
      const body = encode(sample);
      expect((await deliver(body)).status).toBeLessThan(300);
      expect((await deliver(body)).status).toBeLessThan(300);
      const envelopes = await publishedSince(before, 2);
      const keys = new Set(envelopes.map((e) => `${e.channelId}|${e.message.externalId}`));
      expect(keys.size).toBe(1);
      if (subject.storedCount) expect(await subject.storedCount(harness, envelopes, envelopes[0]!.message.externalId)).toBe(1);
    });

    it.skipIf(pull)('refuses a missing or bad signature with 401/403 and publishes nothing', { timeout: TEST_TIMEOUT }, async () => {
      const sample = subject.samples.text ?? Object.values(subject.samples)[0];
      const before = harness.published.length;
      for (const credentials of ['missing', 'bad'] as const) {
        const response = await deliver(encode(sample), credentials);
        expect([401, 403], `${credentials} credentials`).toContain(response.status);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(harness.published.length).toBe(before);
    });

    it('answers 400 to malformed payloads, never crashes, and publishes nothing for them', { timeout: TEST_TIMEOUT }, async () => {
      const samples = Object.values(subject.samples).filter((s) => s && typeof s === 'object') as Record<string, unknown>[];
      const garbage = fc.oneof(
        fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        fc
          .jsonValue({ maxDepth: 3 })
          .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
          .map((v) => Buffer.from(JSON.stringify(v))),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
      );
      await fc.assert(
        fc.asyncProperty(garbage, async (body) => {
          const before = harness.published.length;
          const response = await deliver(body);
          expect(response.status).toBe(400);
          expect(harness.published.length).toBe(before);
        }),
        { numRuns: subject.propertyRuns ?? 60 },
      );
      if (samples.length === 0) return;
      const mutated = fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([sample, n, value]) => {
        const keys = Object.keys(sample);
        const copy: Record<string, unknown> = { ...sample };
        if (keys.length) copy[keys[n % keys.length]!] = value;
        return copy;
      });
      await fc.assert(
        fc.asyncProperty(mutated, async (payload) => {
          const before = harness.published.length;
          const response = await deliver(encode(payload));
          expect([200, 201, 202, 204, 400]).toContain(response.status);
          if (response.status === 400) expect(harness.published.length).toBe(before);
        }),
        { numRuns: subject.propertyRuns ?? 60 },
      );
    });

    it('sends every content kind it declares, returning the provider id', { timeout: TEST_TIMEOUT }, async () => {
      const ctx = await harness.context();
      const recipient = subject.recipient ? await subject.recipient(harness) : 'conformance-user';
      for (const kind of connector.capabilities.send) {
        const before = (await target.received()).length;
        const part = (await subject.outboundPart?.(kind, harness)) ?? sampleOutboundPart(kind);
        const receipt = await connector.send(outboundFor(harness, [part], recipient), ctx);
        const id = typeof receipt === 'string' ? receipt : receipt.id;
        expect(typeof id).toBe('string');
        expect(id.length).toBeGreaterThan(0);
        const received = await target.received();
        expect(received.length, `the target got the ${kind}`).toBeGreaterThan(before);
        expect(JSON.stringify(received.at(-1))).toContain(`"type":"${kind}"`);
      }
    });

    it('classifies send failures as retryable or permanent', { timeout: TEST_TIMEOUT }, async () => {
      expect(subject.sendFailures.length).toBeGreaterThan(0);
      const ctx = await harness.context();
      const recipient = subject.recipient ? await subject.recipient(harness) : 'conformance-user';
      for (const failure of subject.sendFailures) {
        await failure.arrange(target, harness);
        const error = await connector.send(outboundFor(harness, [sampleOutboundPart('text')], failure.recipient ?? recipient), ctx).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, failure.name).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).retryable, failure.name).toBe(failure.retryable);
      }
    });

    it('never shows its secrets in logs, API answers or published messages', { timeout: TEST_TIMEOUT }, async () => {
      const names = secretFields(connector);
      const values = names.map((n) => subject.settings[n] ?? target.settings[n]).filter((v): v is string => typeof v === 'string' && v.length > 0);
      const views = JSON.stringify(await harness.views());
      for (const name of names) expect(views).toContain(`"${name}":{"set":`);
      const everything = [harness.logs(), views, answers.join('\n'), JSON.stringify(harness.published)].join('\n');
      for (const value of values) expect(everything.includes(value), 'a secret value leaked').toBe(false);
    });
  });
}

/**
 * A pull loop's hand-over, answered like the gateway answers a webhook: 202 when the bus took
 * the messages, 400 for a payload that is not JSON or does not normalize, 500 for anything else
 * (which the kit counts as a crash).
 */
async function acceptPulled(harness: Harness, body: Buffer): Promise<Response> {
  const answer = (status: number, value: unknown) => new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return answer(400, { error: 'the payload is not JSON' });
  }
  try {
    const accepted = await harness.accept([payload]);
    return answer(202, { accepted: accepted.length });
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ZodError) return answer(400, { error: error.message });
    return answer(500, { error: error instanceof Error ? error.message : String(error) });
  }
}

function outboundFor(harness: Harness, parts: ContentPart[], recipient: string): OutboundEnvelope {
  return {
    version: 1,
    tenantId: harness.tenantId,
    channelId: harness.channel.id,
    channelType: harness.channel.type,
    messageId: String(Math.floor(Math.random() * 1e9)),
    conversationId: '00000000-0000-4000-8000-000000000001',
    recipient: { externalId: recipient },
    threadKey: '',
    parts,
  };
}
