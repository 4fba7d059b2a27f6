import type { ApiClient } from './client.js';
import type { Answer, Body } from './schema.js';

export type BotSettings = Answer<'/api/assistant/bot/channels/{channelId}', 'get'>;
export type BotSettingsInput = Body<'/api/assistant/bot/channels/{channelId}', 'put'>;

/** The answer bot's settings, per channel. */
export function assistantBotApi(client: ApiClient) {
  return {
    list: () => client.get<Answer<'/api/assistant/bot/channels', 'get'>>('/assistant/bot/channels'),
    save: (channelId: string, body: BotSettingsInput) => client.put<BotSettings>(`/assistant/bot/channels/${encodeURIComponent(channelId)}`, body),
  };
}
