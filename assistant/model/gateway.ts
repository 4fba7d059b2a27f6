import type { Context } from '../../core/context.js';

/** One message of a chat-completions request. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What asked the model: usage is recorded and reported by it. */
export type ModelFeature = 'bot' | 'copilot.suggest' | 'copilot.summarize' | 'copilot.rewrite' | 'copilot.translate' | 'automation';

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

/** The gateway of a process. Until a company sets up a model, every company has none. */
export function modelGateway(_ctx: Pick<Context, 'database' | 'config' | 'outbound' | 'logger'>): ModelGateway {
  return {
    configured: async () => false,
    complete: async () => {
      throw new ModelUnavailableError('not_configured', 'no language model is set up');
    },
  };
}
