import { useEffect, useMemo, useState } from 'react';
import { copilotApi, type CopilotApi } from '../api/assistant.js';
import { ApiError, type ApiClient } from '../api/client.js';
import { en, type MessageKey } from '../i18n/en.js';
import { describeError } from '../pages/describe-error.js';

/** Whether the company has a model, asked once a minute at most for all the reply boxes of a page. */
const asked = new WeakMap<ApiClient, { at: number; configured: Promise<boolean> }>();
const FRESH_MS = 60_000;

/** The copilot's calls, and whether to offer them (undefined until known). */
export function useCopilot(client: ApiClient): { api: CopilotApi; configured: boolean | undefined } {
  const api = useMemo(() => copilotApi(client), [client]);
  const [configured, setConfigured] = useState<boolean>();
  useEffect(() => {
    let current = true;
    let known = asked.get(client);
    if (!known || Date.now() - known.at > FRESH_MS) {
      known = {
        at: Date.now(),
        configured: api.status().then(
          (answer) => answer.configured,
          () => false,
        ),
      };
      asked.set(client, known);
    }
    void known.configured.then((value) => current && setConfigured(value));
    return () => {
      current = false;
    };
  }, [client, api]);
  return { api, configured };
}

/** Why the copilot gave nothing, in the agent's words: no model, a refused key, a busy or slow model. */
export function copilotProblem(error: unknown, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (error instanceof ApiError && error.reason) {
    const key = `ai.reason.${error.reason}`;
    if (key in en) return t('ai.failed', { reason: t(key as MessageKey) });
  }
  return describeError(error, t);
}
