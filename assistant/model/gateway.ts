import OpenAI, { APIConnectionTimeoutError, APIError, AuthenticationError, PermissionDeniedError, RateLimitError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Context } from '../../core/context.js';
import { PersonalDataMask } from './masking.js';
import { outboundFetch, type CallTrace } from './outbound-fetch.js';
import { readModelSettings, usable, type ModelSettings } from './settings.js';
import { recordUsage } from './usage.js';

/** One message of a chat-completions request. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What asked the model: usage is recorded and reported by it. */
export type ModelFeature =
  | 'bot'
  | 'copilot.suggest'
  | 'copilot.summarize'
  | 'copilot.rewrite'
  | 'copilot.translate'
  | 'automation'
  /** A summary written into a conversation (and its ticket) when it is transferred or escalated. */
  | 'summary'
  /** An admin's check of the settings. */
  | 'settings.test';

export interface CompletionRequest {
  tenantId: string;
  feature: ModelFeature;
  messages: ChatMessage[];
  /** Called with each piece of the answer as the model streams it; without it the answer comes whole. */
  onDelta?: (text: string) => void;
  maxTokens?: number;
  temperature?: number;
  /** Ask for a JSON object as the answer (OpenAI's `response_format: { type: 'json_object' }`). */
  json?: boolean;
  signal?: AbortSignal;
}

export interface Completion {
  text: string;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
  model: string;
}

/**
 * The model could not answer: not configured, refused the key, kept failing, or took too long.
 * Callers fall back (the answer bot hands over; the copilot says why).
 */
export class ModelUnavailableError extends Error {
  constructor(
    readonly reason: 'not_configured' | 'unauthorized' | 'rate_limited' | 'failed' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

/**
 * A company's language model: one OpenAI-compatible chat-completions endpoint per company (base
 * URL, model and key, set by its admins), reached through the guarded outbound client, with
 * retries, a time limit, masking of personal data when the company asks for it, and every call's
 * tokens, latency and outcome recorded.
 */
export interface ModelGateway {
  /** Whether the company has a model set up and switched on. */
  configured(tenantId: string): Promise<boolean>;
  /** Throws ModelUnavailableError when no answer can be had. */
  complete(request: CompletionRequest): Promise<Completion>;
}

type GatewayContext = Pick<Context, 'database' | 'config' | 'outbound' | 'logger'>;

export interface GatewayOptions {
  /** Attempts after the first on a 408/409/429/5xx answer or a lost connection (2 unless said), with back-off or the server's Retry-After. */
  maxRetries?: number;
  /** How long a company's settings are read from memory before the database again (10 s unless said). */
  settingsTtlMs?: number;
}

const gateways = new WeakMap<object, CompanyModels>();

/**
 * The gateway of a process: one per database, so its short cache of each company's settings is
 * shared by whatever asks (the copilot's routes, the answer bot, the summaries).
 */
export function modelGateway(ctx: GatewayContext, options: GatewayOptions = {}): CompanyModels {
  let gateway = gateways.get(ctx.database);
  if (!gateway) {
    gateway = new CompanyModels(ctx, options);
    gateways.set(ctx.database, gateway);
  }
  return gateway;
}

/** The OpenAI client library speaks the wire protocol; this decides which endpoint, with what, and keeps the account. */
export class CompanyModels implements ModelGateway {
  private readonly cache = new Map<string, { at: number; settings: ModelSettings | undefined }>();
  private readonly maxRetries: number;
  private readonly ttlMs: number;

  constructor(
    private readonly ctx: GatewayContext,
    options: GatewayOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? 2;
    this.ttlMs = options.settingsTtlMs ?? 10_000;
  }

  async configured(tenantId: string): Promise<boolean> {
    return usable(await this.settings(tenantId));
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const settings = await this.settings(request.tenantId);
    if (!usable(settings)) throw new ModelUnavailableError('not_configured', 'no language model is set up');
    return this.call(settings, request);
  }

  /** One tiny call with the stored settings, switched on or not: whether the endpoint answers, and how fast. */
  async check(tenantId: string): Promise<Completion> {
    const settings = await this.settings(tenantId, true);
    if (!settings?.baseUrl || !settings.model) throw new ModelUnavailableError('not_configured', 'no language model is set up');
    return this.call(settings, {
      tenantId,
      feature: 'settings.test',
      messages: [{ role: 'user', content: 'Reply with the word OK.' }],
      maxTokens: 5,
      temperature: 0,
    });
  }

  /** Reads the company's settings afresh on the next call (after an admin saved them). */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async settings(tenantId: string, fresh = false): Promise<ModelSettings | undefined> {
    const cached = this.cache.get(tenantId);
    if (!fresh && cached && Date.now() - cached.at < this.ttlMs) return cached.settings;
    const settings = await readModelSettings(this.ctx.database.db, this.ctx.config.secretKey, tenantId);
    this.cache.set(tenantId, { at: Date.now(), settings });
    return settings;
  }

  private async call(settings: ModelSettings, request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    const trace: CallTrace = {};
    // Ends the call at once: the time limit is up, or the address is refused (no retry helps).
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new ModelUnavailableError('timeout', `the model did not answer within ${settings.timeoutMs / 1000} s`)),
      settings.timeoutMs,
    );
    const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
    const client = new OpenAI({
      apiKey: settings.apiKey ?? 'no-key',
      baseURL: settings.baseUrl,
      organization: null,
      project: null,
      maxRetries: this.maxRetries,
      timeout: settings.timeoutMs,
      logLevel: 'off',
      fetch: outboundFetch(this.ctx.outbound, {
        // A little longer than the call's own limit, so that limit is what ends a hang, and says so.
        timeoutMs: settings.timeoutMs + 1000,
        sendsKey: settings.apiKey !== null,
        trace,
        onRefused: (error) => stop.abort(new ModelUnavailableError('failed', error.message)),
      }),
    });
    const mask = settings.maskPersonalData ? new PersonalDataMask() : undefined;
    const body = {
      model: settings.model,
      messages: request.messages.map((m) => ({ role: m.role, content: mask ? mask.mask(m.content) : m.content }) as ChatCompletionMessageParam),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
    };
    let usage = { promptTokens: 0, completionTokens: 0 };
    const work = async (): Promise<string> => {
      if (!request.onDelta) {
        const completion = await client.chat.completions.create(body, { signal });
        usage = { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 };
        const text = completion.choices[0]?.message?.content ?? '';
        return mask ? mask.unmask(text) : text;
      }
      const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
      const unmasking = mask?.streaming();
      let text = '';
      const emit = (piece: string) => {
        if (!piece) return;
        text += piece;
        request.onDelta?.(piece);
      };
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) emit(unmasking ? unmasking.push(piece) : piece);
        if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      }
      if (unmasking) emit(unmasking.flush());
      return text;
    };
    const running = work();
    const halted = stopped(signal);
    // The library may still be waiting out a Retry-After when the call is over: its end is not
    // awaited, nor is the stop that ends every call.
    running.catch(() => {});
    halted.catch(() => {});
    try {
      const text = await Promise.race([running, halted]);
      const latencyMs = Math.round(performance.now() - started);
      await this.record({ tenantId: request.tenantId, feature: request.feature, model: settings.model, ...usage, latencyMs });
      return { text, usage, latencyMs, model: settings.model };
    } catch (error) {
      const failure = classify(error, signal, trace, settings);
      await this.record({
        tenantId: request.tenantId,
        feature: request.feature,
        model: settings.model,
        ...usage,
        latencyMs: Math.round(performance.now() - started),
        errorCode: failure.code,
      });
      this.ctx.logger.warn({ tenantId: request.tenantId, feature: request.feature, reason: failure.error.reason, code: failure.code }, 'model call failed');
      throw failure.error;
    } finally {
      clearTimeout(timer);
      stop.abort();
    }
  }

  private async record(usage: Parameters<typeof recordUsage>[1]): Promise<void> {
    try {
      await recordUsage(this.ctx.database.db, usage);
    } catch (error) {
      this.ctx.logger.error({ err: (error as Error).message, tenantId: usage.tenantId }, 'model usage not recorded');
    }
  }
}

/** Rejects when the signal aborts, with its reason. */
function stopped(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Why a call failed, as the caller and the usage log say it; the provider's words never carry the key. */
function classify(error: unknown, signal: AbortSignal, trace: CallTrace, settings: ModelSettings): { error: ModelUnavailableError; code: string } {
  const scrub = (text: string) => (settings.apiKey ? text.replaceAll(settings.apiKey, '[key]') : text).slice(0, 300);
  if (trace.refused) return { error: new ModelUnavailableError('failed', trace.refused.message), code: 'refused' };
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason instanceof ModelUnavailableError && reason.reason === 'timeout') {
      if (trace.lastStatus === 429)
        return { error: new ModelUnavailableError('rate_limited', 'the model kept answering “too many requests”'), code: 'rate_limited' };
      return { error: reason, code: 'timeout' };
    }
    return { error: new ModelUnavailableError('failed', 'the call was cancelled'), code: 'cancelled' };
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
    return { error: new ModelUnavailableError('unauthorized', `the model's server refused the key (${error.status})`), code: 'unauthorized' };
  if (error instanceof RateLimitError)
    return {
      error: new ModelUnavailableError('rate_limited', `the model's server answered “too many requests”: ${scrub(error.message)}`),
      code: 'rate_limited',
    };
  if (error instanceof APIConnectionTimeoutError) return { error: new ModelUnavailableError('timeout', 'the model did not answer in time'), code: 'timeout' };
  if (error instanceof APIError && error.status !== undefined)
    return { error: new ModelUnavailableError('failed', `the model's server answered ${scrub(error.message)}`), code: `http_${error.status}` };
  if (error instanceof APIError)
    return { error: new ModelUnavailableError('failed', `${new URL(settings.baseUrl).host} could not be reached`), code: 'unreachable' };
  return {
    error: new ModelUnavailableError('failed', `the model's answer could not be read: ${scrub(String((error as Error)?.message ?? error))}`),
    code: 'bad_answer',
  };
}
