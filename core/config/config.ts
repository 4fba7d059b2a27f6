import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDatabaseUrl } from '../db/pg/database-url.js';
import { parseAllowEntry, type AllowEntry } from '../net/addresses.js';

/** Roles a process can take; `start` with no `--role` takes all of them. */
export const ROLES = ['gateway', 'router', 'console'] as const;
export type Role = (typeof ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** Several broker addresses may be given, separated by commas (a RabbitMQ cluster). */
const amqpUrls = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(url(['amqp:', 'amqps:'])).min(1, 'must name at least one broker'));

/** One PostgreSQL host, or several as libpq takes them (`h1:5432,h2:5432`) with target_session_attrs. */
const databaseUrl = z.string().superRefine((value, context) => {
  try {
    parseDatabaseUrl(value);
  } catch (error) {
    context.addIssue({ code: z.ZodIssueCode.custom, message: error instanceof Error ? error.message : String(error) });
  }
});

const secretKey = z.string().refine((value) => decodeSecretKey(value) !== undefined, {
  message: 'must be 32 bytes as 64 hex characters or base64',
});

const optionalNonEmpty = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const port = z.coerce.number().int().min(0).max(65535);

/**
 * How many reverse proxies stand in front and append to X-Forwarded-For: `false` (none, the
 * default), `true` (one) or a count. Only the hops those proxies added are believed.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((value, context) => {
    const v = value.trim().toLowerCase();
    if (['', 'false', 'no', 'off', '0'].includes(v)) return 0;
    if (['true', 'yes', 'on'].includes(v)) return 1;
    if (/^[1-9]$/.test(v)) return Number(v);
    context.addIssue({ code: 'custom', message: 'must be true, false or the number of proxies in front (1 to 9)' });
    return z.NEVER;
  });

/** Variables that were renamed: naming the old one stops the start instead of being ignored. */
const RENAMED: Record<string, string> = {
  SIGN_IN_MAX_FAILURES: 'SIGN_IN_FREE_FAILURES',
  SIGN_IN_MAX_FAILURES_PER_IP: 'SIGN_IN_FREE_FAILURES_PER_IP',
  SIGN_IN_WINDOW_MINUTES: 'SIGN_IN_FORGET_MINUTES',
};

/** Hosts, addresses and networks company-set URLs may reach although private: `10.0.0.0/8,pbx.internal`. */
const outboundAllow = z
  .string()
  .default('')
  .transform((value, context) => {
    const entries: AllowEntry[] = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const entry = parseAllowEntry(part);
      if (entry) entries.push(entry);
      else context.addIssue({ code: 'custom', message: `"${part}" is not a host name, an IP address or a CIDR network` });
    }
    return entries;
  });

/** The environment, as the one schema reads it. Every variable is documented in docs/configuration.md. */
export const environmentSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: optionalNonEmpty(url(['http:', 'https:'])),
  BASE_HOST: optionalNonEmpty(z.string().min(1)),
  DATABASE_URL: optionalNonEmpty(databaseUrl),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  AMQP_URL: optionalNonEmpty(amqpUrls),
  DATA_DIR: z.string().min(1).default('./data'),
  SECRET_KEY: optionalNonEmpty(secretKey),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BUS_NAMESPACE: optionalNonEmpty(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only (at most 40)')),
  BUS_QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
  BUS_QUORUM_SIZE: optionalNonEmpty(z.coerce.number().int().min(1).max(99)),
  GATEWAY_CHANNEL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  INBOUND_SHARDS: z.coerce.number().int().min(1).max(256).default(4),
  BUS_RETRY_ATTEMPTS: z.coerce.number().int().min(0).max(20).default(5),
  BUS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  SMTP_URL: optionalNonEmpty(url(['smtp:', 'smtps:'])),
  SMTP_FROM: optionalNonEmpty(z.string().min(3)),
  TRUST_PROXY: trustProxy,
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(12),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  SIGN_IN_FREE_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  SIGN_IN_FREE_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  SIGN_IN_MAX_DELAY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(900),
  SIGN_IN_FORGET_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
  SIGNUP: z.enum(['first', 'open', 'closed']).default('first'),
  PRESENCE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(45),
  CONNECTORS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  OUTBOUND_ALLOW: outboundAllow,
  API_TOKEN_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(600),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(100_000).default(50),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** Whether the operator set PUBLIC_URL: then it wins over every company's recorded address. */
  publicUrlSet: boolean;
  baseHost: string | undefined;
  dataDir: string;
  /** 32 bytes: encrypts channel secrets at rest and signs tokens. Never logged. */
  secretKey: Buffer;
  logLevel: (typeof LOG_LEVELS)[number];
  database: { kind: 'pg'; url: string; poolSize: number } | { kind: 'pglite'; dir: string };
  bus:
    | { kind: 'rabbitmq'; urls: string[]; namespace: string | undefined; queueType: 'quorum' | 'classic'; quorumSize: number | undefined }
    | { kind: 'memory' };
  inboundShards: number;
  /** How long the webhook gateway keeps a channel's opened settings (0: read them per request). */
  gatewayChannelCacheMs: number;
  retry: { attempts: number; baseDelayMs: number };
  smtp: { url: string; from: string } | { outboxDir: string; from: string };
  connectorPackages: string[];
  /**
   * Requests to URLs companies and customers set: private, loopback and link-local addresses are
   * refused except these (self-hosted providers on the LAN).
   */
  outbound: { allow: AllowEntry[] };
  /** Company webhooks: attempts per delivery, the first wait (doubling), failed attempts in a row before a webhook is disabled. */
  webhooks: { attempts: number; baseDelayMs: number; disableAfter: number };
  console: {
    /** Reverse proxies in front whose X-Forwarded-For hops are believed (0: use the socket's address). */
    trustProxyHops: number;
    /** A session unused this long ends. */
    sessionTtlMs: number;
    /** A session this old ends however busy it is. */
    sessionMaxMs: number;
    /**
     * Failed sign-ins from one address for one account (and from one address over all accounts)
     * that go by without delay; each further one doubles the wait, up to `maxDelayMs`. A quiet
     * spell of `forgetMs` starts the count over.
     */
    signIn: { freeFailures: number; freeFailuresPerIp: number; maxDelayMs: number; forgetMs: number };
    /** A console WebSocket without a heartbeat for this long counts as gone. */
    presenceTimeoutMs: number;
    /**
     * Who may create a company: only the first one (a self-hosted installation), anybody (a hosted
     * service), or nobody (companies are made with the CLI).
     */
    signUp: 'first' | 'open' | 'closed';
    /** Requests a minute one API token may make (0: no limit); past it, 429 with Retry-After. */
    apiTokenRateLimit: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(`Switchboard cannot start: the configuration is invalid.\n` + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function decodeSecretKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

/**
 * Reads the configuration once, at start-up. Every bad variable is reported together, so an
 * operator fixes them in one go. Without SECRET_KEY in the embedded mode a key is made once and
 * kept in DATA_DIR (mode 0600); with a real database a missing key is an error, since every
 * process must share it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        reason: issue.message,
      })),
    );
  }
  const renamed = Object.keys(RENAMED).filter((name) => env[name] !== undefined && env[name] !== '');
  if (renamed.length > 0) {
    throw new ConfigError(renamed.map((name) => ({ variable: name, reason: `is no longer read; see ${RENAMED[name]} in docs/configuration.md` })));
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  if (e.DATABASE_URL && !e.SECRET_KEY) {
    throw new ConfigError([{ variable: 'SECRET_KEY', reason: 'is required when DATABASE_URL is set (all processes must share it)' }]);
  }
  const secretKey = e.SECRET_KEY ? decodeSecretKey(e.SECRET_KEY)! : loadOrCreateKey(dataDir);
  const from = e.SMTP_FROM ?? 'Switchboard <no-reply@localhost>';
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    baseHost: e.BASE_HOST,
    dataDir,
    secretKey,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL ? { kind: 'pg', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'pglite', dir: join(dataDir, 'pglite') },
    bus: e.AMQP_URL
      ? { kind: 'rabbitmq', urls: e.AMQP_URL, namespace: e.BUS_NAMESPACE, queueType: e.BUS_QUEUE_TYPE, quorumSize: e.BUS_QUORUM_SIZE }
      : { kind: 'memory' },
    inboundShards: e.INBOUND_SHARDS,
    gatewayChannelCacheMs: e.GATEWAY_CHANNEL_CACHE_MS,
    retry: { attempts: e.BUS_RETRY_ATTEMPTS, baseDelayMs: e.BUS_RETRY_BASE_MS },
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from } : { outboxDir: join(dataDir, 'mail'), from },
    connectorPackages: e.CONNECTORS,
    outbound: { allow: e.OUTBOUND_ALLOW },
    webhooks: { attempts: e.WEBHOOK_ATTEMPTS, baseDelayMs: e.WEBHOOK_RETRY_BASE_MS, disableAfter: e.WEBHOOK_DISABLE_AFTER },
    console: {
      trustProxyHops: e.TRUST_PROXY,
      sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
      sessionMaxMs: Math.max(e.SESSION_MAX_HOURS, e.SESSION_TTL_HOURS) * 3_600_000,
      signIn: {
        freeFailures: e.SIGN_IN_FREE_FAILURES,
        freeFailuresPerIp: e.SIGN_IN_FREE_FAILURES_PER_IP,
        maxDelayMs: e.SIGN_IN_MAX_DELAY_SECONDS * 1000,
        forgetMs: e.SIGN_IN_FORGET_MINUTES * 60_000,
      },
      presenceTimeoutMs: e.PRESENCE_TIMEOUT_SECONDS * 1000,
      signUp: e.SIGNUP,
      apiTokenRateLimit: e.API_TOKEN_RATE_LIMIT,
    },
  };
}

function loadOrCreateKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = decodeSecretKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError([{ variable: 'SECRET_KEY', reason: `${file} does not hold a valid key` }]);
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
