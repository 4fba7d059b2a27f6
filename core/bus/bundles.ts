import type { Settlement } from './batcher.js';
import type { Delivery, Headers, MessageHandler } from './bus.js';

/**
 * A bundle is one broker message carrying several JSON messages of one routing key: the outbox
 * relay sends a pass's events of a key together, so the broker and every queue bound to them
 * handle one message instead of one per event. The body is a JSON array of the messages' own
 * texts; `x-sb-bundle` says how many there are and `x-sb-bundle-ids` lists their message ids.
 * Consumers never see one: both buses split it into one delivery per message, and park a
 * message that fails on its own, so retries and dead letters only ever hold single messages.
 */
export const BUNDLE_HEADER = 'x-sb-bundle';
export const BUNDLE_IDS_HEADER = 'x-sb-bundle-ids';

/** Most messages in one bundle, and most bytes of body: a bundle stays an ordinary message. */
export const BUNDLE_MAX_MESSAGES = 100;
export const BUNDLE_MAX_BYTES = 512 * 1024;

export interface BundlePart {
  /** Must not contain a comma: the ids travel as one comma-separated header. */
  messageId: string;
  /** JSON text. */
  body: string;
}

export interface BundleMessage {
  body: Buffer;
  messageId: string;
  headers: Headers;
}

/**
 * Packs JSON messages of one routing key into one broker message with the given id; a lone
 * message goes as it is, with its own id and no bundle header.
 */
export function bundle(parts: BundlePart[], messageId: string): BundleMessage {
  if (parts.length === 0) throw new Error('an empty bundle');
  if (parts.length === 1) return { body: Buffer.from(parts[0]!.body), messageId: parts[0]!.messageId, headers: {} };
  return {
    body: Buffer.from(`[${parts.map((p) => p.body).join(',')}]`),
    messageId,
    headers: { [BUNDLE_HEADER]: parts.length, [BUNDLE_IDS_HEADER]: parts.map((p) => p.messageId).join(',') },
  };
}

/**
 * Splits packed parts into groups of at most `BUNDLE_MAX_MESSAGES` and about `BUNDLE_MAX_BYTES`
 * (one message larger than that goes alone), order kept.
 */
export function chunkBundles<T extends BundlePart>(parts: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const part of parts) {
    if (current.length > 0 && (current.length >= BUNDLE_MAX_MESSAGES || bytes + part.body.length > BUNDLE_MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(part);
    bytes += part.body.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The deliveries a broker message carries: itself, or one per message of a bundle, each with its
 * own body bytes and message id, the bundle's routing key, attempt and redelivered flag, and the
 * bundle's headers without the bundle's own. A bundle that does not split as it says is handed
 * over whole, so it fails and rests in the dead-letter queue for someone to look at.
 */
export function splitDelivery(delivery: Delivery): Delivery[] {
  const count = delivery.headers[BUNDLE_HEADER];
  if (count === undefined) return [delivery];
  const ids = String(delivery.headers[BUNDLE_IDS_HEADER] ?? '').split(',');
  const bodies = splitJsonArray(delivery.body);
  if (!bodies || bodies.length !== Number(count) || ids.length !== bodies.length) return [delivery];
  const headers = { ...delivery.headers };
  delete headers[BUNDLE_HEADER];
  delete headers[BUNDLE_IDS_HEADER];
  return bodies.map((body, i) => ({
    body,
    exchange: delivery.exchange,
    routingKey: delivery.routingKey,
    messageId: ids[i],
    headers,
    attempt: delivery.attempt,
    redelivered: delivery.redelivered,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  }));
}

export interface DeliveryFailure {
  delivery: Delivery;
  error: unknown;
}

/** Hands a bundle's deliveries to a handler one after another, in order; returns those that failed. */
export async function handleInTurn(deliveries: Delivery[], handler: MessageHandler): Promise<DeliveryFailure[]> {
  const failed: DeliveryFailure[] = [];
  for (const delivery of deliveries) {
    try {
      await handler(delivery);
    } catch (error) {
      failed.push({ delivery, error });
    }
  }
  return failed;
}

/**
 * A broker message whose deliveries a batch consumer settles one by one, maybe across batches:
 * the message is settled when its last delivery is.
 */
export class Unsettled<M> {
  private readonly failed: DeliveryFailure[] = [];

  constructor(
    readonly message: M,
    private remaining: number,
  ) {}

  /** Notes a delivery's outcome; once all are in, says which failed. */
  record(settlement: Settlement): { failed: DeliveryFailure[] } | undefined {
    if (settlement.outcome === 'fail') this.failed.push({ delivery: settlement.delivery, error: settlement.error });
    return --this.remaining === 0 ? { failed: this.failed } : undefined;
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * The elements of a JSON array as slices of its bytes, untouched (parsing and writing them again
 * would change their text); undefined when it is not an array. Only the structure is read:
 * strings are skipped, and UTF-8 never puts these ASCII bytes inside a multi-byte character.
 */
function splitJsonArray(body: Buffer): Buffer[] | undefined {
  let start = skipSpace(body, 0);
  if (body[start] !== OPEN_BRACKET) return undefined;
  start++;
  const elements: Buffer[] = [];
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const byte = body[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || (byte === CLOSE_BRACKET && depth > 0)) depth--;
    else if (depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
      const element = trim(body, start, i);
      if (element.length > 0) elements.push(element);
      if (byte === CLOSE_BRACKET) return elements;
      start = i + 1;
    }
  }
  return undefined;
}

function skipSpace(body: Buffer, at: number): number {
  while (at < body.length && isSpace(body[at]!)) at++;
  return at;
}

function trim(body: Buffer, start: number, end: number): Buffer {
  const from = skipSpace(body, start);
  let to = end;
  while (to > from && isSpace(body[to - 1]!)) to--;
  return body.subarray(from, to);
}

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
