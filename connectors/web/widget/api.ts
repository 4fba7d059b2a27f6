/** The widget's calls to its gateway: JSON over fetch, with the visitor token once there is one. */
export interface Part {
  type: string;
  text?: string;
  attachmentId?: string;
  url?: string;
  name?: string;
  mimeType?: string;
  title?: string;
  /** Seconds, for a voice message. */
  duration?: number;
  /** An `event` part's data: the satisfaction survey's `url` for the rating card. */
  data?: Record<string, unknown>;
}

export interface ChatMessage {
  id?: string;
  direction: 'in' | 'out';
  parts: Part[];
  status?: string;
  clientMessageId?: string;
  author?: string;
  /** Written by the company's answer bot. */
  bot?: boolean;
}

export interface PreChatQuestion {
  name: string;
  label: string | null;
  type: 'text' | 'email' | 'tel' | 'number' | 'date' | 'select';
  required: boolean;
  options?: string[];
}

export interface LocalTexts {
  title?: string;
  greeting?: string;
  offline?: string;
  closed?: string;
}

export interface WidgetSettings {
  title: string;
  color: string;
  greeting: string | null;
  /** The channel's language for browsers that ask for none the widget speaks. */
  locale: string;
  texts: Partial<Record<string, LocalTexts>>;
  preChatMode: 'off' | 'optional' | 'required';
  preChatFields: PreChatQuestion[];
  identityMode: 'optional' | 'mandatory';
  maxUploadBytes: number;
  proactive: { urlPattern: string; afterSeconds: number; text: Partial<Record<string, string>> }[];
  /** An agent is online. */
  online: boolean;
  /** The chat's groups are within their business hours. */
  open: boolean;
  /** Voice messages' limits; null when the channel takes none. */
  voice: { maxSeconds: number; maxBytes: number } | null;
  /** The help center's suggestions (`?q=&lang=`, answering `{ articles: [{ title, url }] }`); null when there is none. */
  suggestUrl?: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The fields a 400 names (`profile.email`). */
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * The status and named fields of a refused call. The loader and the panel are separate scripts,
 * each with its own copy of ApiError, so the panel reads the fields instead of using instanceof.
 */
export function refusal(error: unknown): { status: number; issues: { field: string; message: string }[] } | undefined {
  const e = error as { status?: unknown; issues?: unknown } | null;
  return e && typeof e.status === 'number'
    ? { status: e.status, issues: Array.isArray(e.issues) ? (e.issues as { field: string; message: string }[]) : [] }
    : undefined;
}

export class WidgetApi {
  token: string | undefined;

  constructor(readonly base: string) {}

  async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (typeof init.body === 'string') headers['content-type'] = 'application/json';
    const response = await fetch(this.base + path, { ...init, headers });
    if (response.status === 204) return undefined as T;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const answer = body as { message?: string; issues?: { field: string; message: string }[] };
      throw new ApiError(response.status, answer.message ?? `HTTP ${response.status}`, answer.issues ?? []);
    }
    return body as T;
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, { method: 'POST', body: JSON.stringify(body) });
  }

  /** Retries what the server could not take yet (network, 503), so a message is never dropped. */
  async postWithRetry<T>(path: string, body: unknown, attempts = 6): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.post<T>(path, body);
      } catch (error) {
        const retryable = !(error instanceof ApiError) || error.status >= 500 || error.status === 429;
        if (!retryable || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }
}

export const newId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
