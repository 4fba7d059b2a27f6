import type { ApiClient } from './client.js';
import type { Body, Schemas } from './schema.js';

export type AiModelSettings = Schemas['AiModelSettings'];
export type AiModelInput = Body<'/api/assistant/model', 'put'>;
export type AiModelCheck = Schemas['AiModelCheck'];
export type AiUsage = Schemas['AiUsage'];
/** Why the model gave no answer, as the server says it. */
export type ModelFailure = NonNullable<AiModelCheck['reason']>;

/** The company's language model: settings, a check call, usage. */
export function assistantApi(client: ApiClient) {
  return {
    model: () => client.get<AiModelSettings>('/assistant/model'),
    setModel: (body: AiModelInput) => client.put<void>('/assistant/model', body),
    check: () => client.post<AiModelCheck>('/assistant/model/test'),
    usage: (range: { from?: string; to?: string } = {}) => client.get<AiUsage>('/assistant/usage', range),
  };
}

export type AssistantApi = ReturnType<typeof assistantApi>;

export type CopilotSuggestion = Schemas['CopilotSuggestion'];
export type RewriteStyle = Body<'/api/assistant/copilot/rewrite', 'post'>['style'];
export type TranslateTarget = Body<'/api/assistant/copilot/translate', 'post'>['to'];

/** The copilot: every answer comes back to the agent, nothing is sent. */
export function copilotApi(client: ApiClient) {
  return {
    status: () => client.get<Schemas['CopilotStatus']>('/assistant/copilot'),
    suggest: (conversationId: string) => client.post<CopilotSuggestion>('/assistant/copilot/suggest', { conversationId }),
    summarize: (conversationId: string) => client.post<Schemas['CopilotText']>('/assistant/copilot/summarize', { conversationId }),
    rewrite: (text: string, style: RewriteStyle) => client.post<Schemas['CopilotText']>('/assistant/copilot/rewrite', { text, style }),
    translate: (text: string, to: TranslateTarget) => client.post<Schemas['CopilotText']>('/assistant/copilot/translate', { text, to }),
  };
}

export type CopilotApi = ReturnType<typeof copilotApi>;
