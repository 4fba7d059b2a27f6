import type { LookupFunction } from 'node:net';
import { z } from 'zod';
import type { ContentKind, ConversationKind, InboundMessage, OutboundEnvelope } from './messages.js';

/** What a channel can carry, declared by its connector and checked by the conformance kit. */
export interface Capabilities {
  /** Content kinds customers can send through it. */
  receive: readonly ContentKind[];
  /** Content kinds agents can send through it. */
  send: readonly ContentKind[];
  typing?: boolean;
  readReceipts?: boolean;
  /** Several parallel conversations per customer (e-mail threads). */
  threads?: boolean;
  calls?: boolean;
  /** The kind of conversation it opens; chat by default. */
  conversationKind?: ConversationKind;
}

/** The channel a connector works for, with its configuration (secrets opened). */
export interface ChannelInfo {
  id: string;
  tenantId: string;
  type: string;
  name: string;
  publicKey: string | null;
}

/**
 * What a connector's code gets to work with, for one channel: its settings, a logger, the
 * guarded way out to the provider, the attachment store, a place for its own state and the
 * platform's records it may change. Nothing else of the installation: not its database, not its
 * bus. The platform builds it; the conformance kit builds one in memory.
 */
export interface ChannelContext<C> {
  channel: ChannelInfo;
  config: C;
  logger: ConnectorLogger;
  /** The address providers and browsers reach this installation at. */
  publicUrl: string;
  /**
   * The only way to reach the provider or a URL in a message: the channel's settings are the
   * company's, so their addresses are checked (private and internal ones refused).
   */
  outbound: Outbound;
  /** The attachment store, scoped to this channel's tenant: media downloaded from or uploaded to the provider. */
  attachments: ChannelAttachments;
  /** The connector's own state for this channel (tokens, windows, cursors of its own): values kept as JSON. */
  state: ChannelStore;
  /** What the connector tells the platform about messages it sent (a bounce that came back later). */
  deliveries: ChannelDeliveries;
}

/** A log line's fields, then its sentence (pino's shape). Never log a secret. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

export interface ConnectorLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): ConnectorLogger;
}

/** A request through the guarded client: fetch's own fields, plus its limits. */
export interface OutboundInit {
  method?: string;
  headers?: Record<string, string> | [string, string][];
  /** A string, bytes, FormData, …: typed loosely so each runtime's fetch body types fit. */
  body?: any;
  signal?: AbortSignal;
  /** The whole request, answer included (default 15 s). */
  timeoutMs?: number;
  /** The most the answer's body may hold (default 20 MB); a longer one fails. */
  maxBytes?: number;
  /** Follow redirects, each hop checked like the first (default: not followed; the 3xx is returned). */
  followRedirects?: boolean;
}

/** The guarded outbound client: every request to an address a company or customer can set goes through it. */
export interface Outbound {
  fetch(input: string | URL, init?: OutboundInit): Promise<Response>;
  /** Refuses a URL whose literal address is not allowed (before handing it to a library with its own sockets). */
  checkUrl(input: string | URL): URL;
  /** A `dns.lookup` that answers only with allowed addresses, for a library that opens its own sockets. */
  readonly lookup: LookupFunction;
  /** The checked address to connect to and the name for TLS, for a socket client (mail, say). */
  resolve(host: string): Promise<{ address: string; servername: string }>;
}

/** A file kept in the installation's attachment store. */
export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** How long it plays, for a recording whose length is known. */
  durationMs?: number;
}

export interface PutOptions {
  /** Who stored it: a customer's external id, or `agent:<id>`. */
  owner: string;
  /** The file name as given; it is cleaned before it is kept. */
  name: string;
  bytes: Buffer;
  /** The type the sender declared; used only when the bytes do not say (text, CSV, …). */
  declaredType?: string;
  /** Refused above this size. */
  maxBytes?: number;
  /** When set, only these real (sniffed or declared) types are accepted. */
  allowedTypes?: readonly string[];
  /**
   * The provider's name for this file (its message id and part, say). A file put again under the
   * same key in the same channel is not stored again: the first one is returned.
   */
  key?: string;
  /**
   * A recording of sound only (a voice message): a WebM or MP4 container, which the sniffer names
   * as video, is kept as `audio/webm` or `audio/mp4`, so it is sent and shown as a voice message.
   */
  audio?: boolean;
  /** How long the recording plays, in milliseconds. */
  durationMs?: number;
}

/** The installation's attachment store as one channel sees it. */
export interface ChannelAttachments {
  /** Keeps a file (size and type checked) and returns its id for a message part's `attachmentId`. */
  put(options: PutOptions): Promise<StoredFile>;
  /** A file of this tenant by id, with its bytes (NotFoundError otherwise). */
  read(id: string): Promise<{ file: StoredFile & { channelId: string; owner: string }; bytes: Buffer }>;
}

/**
 * A connector's own state for one channel, by key: what a Botpress integration declares as its
 * states. Kept by the platform (table `channel_data`), gone with the channel; another channel's
 * keys are out of reach. Values are JSON; keys at most 200 characters.
 */
export interface ChannelStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Delivery news about replies the connector sent, found after the send returned. */
export interface ChannelDeliveries {
  /**
   * The reply the provider knows as `providerMessageId` did not reach the customer after all (a
   * mail bounced): the platform marks it failed with `reason`, shown to the agent, and tells the
   * consoles. Resolves false when no reply of this channel has that id, or it is failed already.
   */
  failed(providerMessageId: string, reason: string): Promise<boolean>;
}

/** What a channel's loop says about itself, for the admin console (`PullContext.reportState`). */
export const channelStateReport = z.object({
  state: z.enum(['starting', 'waiting_for_scan', 'logged_in', 'logged_out', 'error', 'stopped']),
  /** An admin's sentence: why it failed, what to do. Never a secret. */
  detail: z.string().max(1000).optional(),
  /** The account the channel is logged in as (a bot's name and id). */
  account: z.string().max(300).optional(),
  /** The text of the login QR code to scan (a URL), while waiting for a scan. */
  qrCode: z.string().max(4000).optional(),
});
export type ChannelStateReport = z.infer<typeof channelStateReport>;

/** A provider's request as it arrived, before anything was parsed. */
export interface RawRequest {
  method: string;
  /** The path below `/hooks/<channelId>`, e.g. `/messages`. */
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: Buffer;
}

export interface HookResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What a verified webhook request leads to: provider payloads to normalize and publish (then
 * `respond` builds the answer from what was accepted), an answer right away (a URL check), or a
 * stored file (read with `ctx.attachments.read`), which the platform answers with its one safe
 * file answer: the type read from the bytes, never run as a page.
 */
export type HookOutcome =
  | { payloads: unknown[]; respond?: (accepted: InboundMessage[]) => HookResponse | Promise<HookResponse> }
  | { response: HookResponse }
  | { file: { name: string; bytes: Uint8Array } };

/** A connector written against the SDK alone: nothing beyond the SDK's context. */
export type NoExtras = Record<never, never>;

/**
 * `X` is what a platform lends its own connectors beyond the SDK's context; a connector written
 * against the SDK leaves it out and gets the narrow context.
 */
export interface HttpRoute<C, X extends object = NoExtras> {
  method: 'GET' | 'POST' | 'PUT';
  /** Below `/hooks/<channelId>`; `/` for the channel's one endpoint. */
  path: string;
  /** Requests with a larger body are refused with 413 before anything else. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Proves the request comes from the provider, on the raw bytes, before any parsing: throw
   * UnauthorizedError (401) or ForbiddenError (403). A route with nothing to check says so by
   * resolving, on purpose.
   */
  verify(request: RawRequest, ctx: ChannelContext<C> & X): Promise<void> | void;
  /** Parses the verified request; throw ValidationError for a malformed one (400). */
  handle(request: RawRequest, ctx: ChannelContext<C> & X): Promise<HookOutcome> | HookOutcome;
}

export interface HttpInbound<C, X extends object = NoExtras> {
  kind: 'http';
  routes: readonly HttpRoute<C, X>[];
  /**
   * A loop the platform runs beside the routes for every enabled channel, one per cluster, like a
   * pull loop (and restarted when the channel's settings change): registers the webhook with the
   * provider when the channel is enabled, or polls instead where the installation has no public URL.
   */
  run?(ctx: PullContext<C, X>): Promise<void>;
}

/** What a pull loop gets: its channel, a way to hand over payloads, and its saved cursor. */
export type PullContext<C, X extends object = NoExtras> = ChannelContext<C> & X & PullExtras;

export interface PullExtras {
  /** Normalizes and publishes payloads with a confirm; resolves once the bus has them. */
  accept(payloads: unknown[]): Promise<InboundMessage[]>;
  cursor: { load(): Promise<Record<string, unknown>>; save(value: Record<string, unknown>): Promise<void> };
  /** Aborted when the loop must stop (shutdown, lost lock, channel disabled). */
  signal: AbortSignal;
  /**
   * Tells the admin console how the channel is doing (a bot waiting for its QR code to be
   * scanned, logged in, logged out, failing), whichever process runs the loop.
   */
  reportState(report: ChannelStateReport): Promise<void>;
  /**
   * Tells the channels list whether the loop works: `ok()` after a good login or read,
   * `failed()` with an admin's sentence (never a secret or a stack) when it cannot. Cheap to call
   * often: only changes are written.
   */
  health?: { ok(): void; failed(error: string): void };
}

export interface PullInbound<C, X extends object = NoExtras> {
  kind: 'pull';
  /** A long-lived loop; resolve when `signal` aborts. The platform runs one per channel across the cluster. */
  run(ctx: PullContext<C, X>): Promise<void>;
}

export interface SendReceipt {
  /** The provider's id for the delivered message. */
  id: string;
  /** true when the provider confirmed delivery already (a webhook's 2xx), not just acceptance. */
  delivered?: boolean;
}

/** A domain event as a connector's event handler gets it (see core/domain/events.ts). */
export interface ChannelEvent {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  at: string;
}

/**
 * Domain events about this connector's channels that it passes on to the provider (the app API
 * tells the company's backend a conversation was resolved). Failures are handled like sends:
 * a retryable ConnectorError is retried with growing delays, then dead-lettered.
 */
export interface EventForwarding<C, X extends object = NoExtras> {
  kinds: readonly string[];
  handle(event: ChannelEvent, ctx: ChannelContext<C> & X): Promise<void>;
}

/**
 * Extra HTTP endpoints a browser-facing connector serves (the web chat's `/widget/*`), made from
 * what the platform lends them; only the platform's own connectors have it today.
 */
export interface PublicMount<R = any> {
  prefix: string;
  create(runtime: R): unknown;
}

/** What a channel's "test connection" found: one line per thing checked, in an admin's words. */
export interface ConnectionTest {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/**
 * How the console shows a channel type: a small square icon (SVG markup, or a `data:image/png` or
 * `data:image/svg+xml` URL; drawn as an image, so nothing in it runs) and its name in each
 * language of the console.
 */
export interface ConnectorAppearance {
  icon: string;
  name: { en: string; zh: string };
}

/** A setting's name, and a hint under it, in the console's languages. */
export interface SettingLabel {
  en: string;
  zh: string;
  hintEn?: string;
  hintZh?: string;
}

export interface ConnectorDefinition<S extends z.ZodObject = z.ZodObject, X extends object = NoExtras> {
  /** Stable id, used in routing keys and stored on channels: lower case, digits and '-'. */
  type: string;
  displayName: string;
  /** Icon and names for the console; without it the console shows a plain mark and `displayName`. */
  appearance?: ConnectorAppearance;
  description?: string;
  /** The description in Chinese, for the Chinese console; without it that console shows `description`. */
  descriptionZh?: string;
  capabilities: Capabilities;
  /** The channel settings; mark secret fields with `secret()`. The console draws its form from it. */
  config: S;
  /**
   * Each setting's label and hint in English and Chinese, for the console's form and for errors
   * that name the setting ("IMAP password is required"). A setting left out shows its name.
   */
  labels?: Readonly<Partial<Record<keyof z.infer<S> & string, SettingLabel>>>;
  /**
   * Which settings say where secrets are sent, and which secrets: `{ imapHost: ['imapPassword'] }`.
   * Changing one (a host, port, TLS mode, base URL, trusted CA) needs those secrets again in the
   * same change, so a stored password never follows a new address. Left out, every URL field is
   * taken to carry every secret; `{}` says no secret ever leaves (one that only signs, say).
   */
  endpoints?: Readonly<Record<string, readonly string[]>>;
  /** Whether channels of this type authenticate callers with API keys the platform issues. */
  apiKeys?: boolean;
  /** Whether channels of this type get a public key (a browser-facing handle). */
  publicKey?: boolean;
  inbound?: HttpInbound<z.infer<S>, X> | PullInbound<z.infer<S>, X>;
  /** One provider payload → the messages it carries (none for a payload that is only a receipt). */
  normalize(payload: unknown, ctx: ChannelContext<z.infer<S>> & X): InboundMessage | InboundMessage[] | Promise<InboundMessage | InboundMessage[]>;
  /** Delivers a reply; returns the provider's id, or throws a ConnectorError. */
  send(outbound: OutboundEnvelope, ctx: ChannelContext<z.infer<S>> & X): Promise<string | SendReceipt>;
  mounts?: readonly PublicMount[];
  events?: EventForwarding<z.infer<S>, X>;
  /** Phone channels: what the console asks of the telephony platform. */
  voice?: VoiceControl<z.infer<S>, X>;
  /** Logs in to the provider with the channel's settings and says exactly what failed (the console's "test connection"). */
  testConnection?(ctx: ChannelContext<z.infer<S>> & X): Promise<ConnectionTest>;
}

/** What a phone channel's platform does for the console, beyond calls coming in. */
export interface VoiceControl<C, X extends object = NoExtras> {
  /** Streams a recording the platform keeps; `reference` is what the call record holds. Never a public URL. */
  recording(reference: string, ctx: ChannelContext<C> & X): Promise<Response>;
  /** Rings the agent's phone, then (once they answer) the customer's number; resolves with the call's provider id. */
  dial?(input: { agentId: string; number: string }, ctx: ChannelContext<C> & X): Promise<{ providerCallId: string }>;
  /**
   * The agent on a call puts the customer on hold (`on`) or takes them off it. Throws NotFoundError
   * (no such call), ConflictError (not in progress, or already so) or ForbiddenError (not their call).
   */
  hold?(input: { callId: string; agentId: string; on: boolean }, ctx: ChannelContext<C> & X): Promise<void>;
}

/** Any connector definition, whatever its settings and whatever its platform lends it. */
export type AnyConnector = ConnectorDefinition<z.ZodObject, any>;

const TYPE_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/** Declares a connector. Checks the declaration itself, so a mistake shows at load, not at the first message. */
export function defineConnector<S extends z.ZodObject, X extends object = NoExtras>(definition: ConnectorDefinition<S, X>): ConnectorDefinition<S, X> {
  if (!TYPE_PATTERN.test(definition.type)) {
    throw new TypeError(`connector type "${definition.type}" must be lower case letters, digits and '-' (2-40, starting with a letter)`);
  }
  if (!definition.displayName.trim()) throw new TypeError(`connector ${definition.type} needs a display name`);
  if (definition.appearance) iconDataUrl(definition.appearance.icon, definition.type);
  if (!(definition.config instanceof z.ZodObject)) throw new TypeError(`connector ${definition.type}: config must be a zod object`);
  if (definition.inbound?.kind === 'http') {
    const seen = new Set<string>();
    for (const route of definition.inbound.routes) {
      if (!route.path.startsWith('/')) throw new TypeError(`connector ${definition.type}: route path "${route.path}" must start with '/'`);
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) throw new TypeError(`connector ${definition.type}: route ${key} is declared twice`);
      seen.add(key);
      if (typeof route.verify !== 'function') throw new TypeError(`connector ${definition.type}: route ${key} has no verify`);
    }
  }
  for (const field of Object.keys(definition.labels ?? {})) {
    if (!(field in definition.config.shape)) throw new TypeError(`connector ${definition.type}: label "${field}" is not a setting`);
  }
  const secrets = new Set(secretFields(definition));
  for (const [field, carried] of Object.entries(definition.endpoints ?? {})) {
    if (!(field in definition.config.shape)) throw new TypeError(`connector ${definition.type}: endpoint "${field}" is not a setting`);
    for (const name of carried)
      if (!secrets.has(name)) throw new TypeError(`connector ${definition.type}: endpoint "${field}" names "${name}", which is not a secret()`);
  }
  return definition;
}

const ICON_LIMIT = 16 * 1024;

/**
 * A connector's icon as a `data:` URL the console can put in an `<img>`: SVG markup is encoded,
 * a PNG or SVG data URL is kept. Anything else, or past 16 KB, is a mistake in the declaration.
 */
export function iconDataUrl(icon: string, type = 'connector'): string {
  const trimmed = icon.trim();
  if (trimmed.length > ICON_LIMIT) throw new TypeError(`connector ${type}: the icon is over 16 KB`);
  if (/^<svg[\s>]/i.test(trimmed)) return `data:image/svg+xml;base64,${Buffer.from(trimmed, 'utf8').toString('base64')}`;
  if (/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/]+=*$/.test(trimmed)) return trimmed;
  throw new TypeError(`connector ${type}: the icon must be SVG markup or a base64 PNG or SVG data URL`);
}

/** Marks a config field as a secret: write-only in the console, sealed at rest, never logged. */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true, writeOnly: true }) as T;
}

export function isSecretField(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  // Optional/default wrappers keep the mark on the inner schema or on themselves.
  for (let depth = 0; current && depth < 5; depth++) {
    if (z.globalRegistry.get(current)?.secret === true) return true;
    const inner: unknown = (current as unknown as { unwrap?: () => unknown }).unwrap?.() ?? (current.def as { innerType?: unknown }).innerType;
    current = inner instanceof z.ZodType ? inner : undefined;
  }
  return false;
}

/** The names of a connector's secret config fields. */
export function secretFields(definition: Pick<AnyConnector, 'config'>): string[] {
  return Object.entries(definition.config.shape)
    .filter(([, field]) => isSecretField(field as z.ZodType))
    .map(([name]) => name);
}

/** The JSON Schema of a connector's settings, for the console's form; secrets carry `writeOnly`. */
export function configJsonSchema(definition: Pick<AnyConnector, 'config'>): Record<string, unknown> {
  return z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** What the console shows about an installed connector. */
export function describeConnector(definition: AnyConnector) {
  return {
    type: definition.type,
    displayName: definition.displayName,
    ...appearanceOf(definition),
    description: definition.description ?? null,
    descriptionZh: definition.descriptionZh ?? null,
    capabilities: definition.capabilities,
    inbound: definition.inbound?.kind ?? null,
    configSchema: configJsonSchema(definition),
    secretFields: secretFields(definition),
    labels: definition.labels ?? {},
  };
}

/** The icon and names the console draws a channel type with; names fall back to `displayName`. */
export function appearanceOf(definition: Pick<AnyConnector, 'type' | 'displayName' | 'appearance'>) {
  return {
    icon: definition.appearance ? iconDataUrl(definition.appearance.icon, definition.type) : null,
    names: definition.appearance?.name ?? { en: definition.displayName, zh: definition.displayName },
  };
}

/** A setting's label in English: the declared one, else its name in words (`imapHost` → "Imap host"). */
export function settingLabel(definition: Pick<AnyConnector, 'labels'>, field: string): string {
  const declared = (definition.labels as Record<string, SettingLabel | undefined> | undefined)?.[field]?.en;
  if (declared) return declared;
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
