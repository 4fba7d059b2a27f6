import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { NotFoundError } from '../../core/errors.js';
import { HANDOFF_WORDS } from './words.js';
import { botDb, type BotHours } from './schema.js';

/** A channel's answer bot as the console shows and sets it. */
export interface BotSettingsView {
  channelId: string;
  channelName: string;
  channelType: string;
  enabled: boolean;
  maxTurns: number;
  minScore: number;
  handoffKeywords: string[];
  handoffTags: string[];
  hours: BotHours;
}

export type BotSettingsInput = Omit<BotSettingsView, 'channelId' | 'channelName' | 'channelType'>;

/** What a channel never set answers: off, 3 answers, a match of half the question's words. */
export const BOT_DEFAULTS: BotSettingsInput = { enabled: false, maxTurns: 3, minScore: 0.4, handoffKeywords: [], handoffTags: [], hours: 'always' };

/** The words that always ask for a person, shown beside a channel's own. */
export const builtinHandoffWords = (): readonly string[] => HANDOFF_WORDS;

/** Every channel of the company with its bot's settings (defaults where none were saved); phone channels have none. */
export async function listBotSettings(db: Db, tenantId: string): Promise<BotSettingsView[]> {
  const rows = await botDb(db)
    .selectFrom('channels as c')
    .leftJoin('bot_settings as b', 'b.channel_id', 'c.id')
    .select(['c.id', 'c.name', 'c.type', 'b.enabled', 'b.max_turns', 'b.min_score', 'b.handoff_keywords', 'b.handoff_tags', 'b.hours'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.type', 'not like', 'voice-%')
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({
    channelId: r.id,
    channelName: r.name,
    channelType: r.type,
    enabled: r.enabled ?? BOT_DEFAULTS.enabled,
    maxTurns: r.max_turns ?? BOT_DEFAULTS.maxTurns,
    minScore: r.min_score ?? BOT_DEFAULTS.minScore,
    handoffKeywords: r.handoff_keywords ?? [],
    handoffTags: r.handoff_tags ?? [],
    hours: r.hours ?? BOT_DEFAULTS.hours,
  }));
}

export async function getBotSettings(db: Db, tenantId: string, channelId: string): Promise<BotSettingsView> {
  const found = (await listBotSettings(db, tenantId)).find((s) => s.channelId === channelId);
  if (!found) throw new NotFoundError('channel');
  return found;
}

/** Saves a channel's bot settings (the channel must be one of the company's text channels). */
export async function putBotSettings(db: Db, tenantId: string, channelId: string, input: BotSettingsInput): Promise<BotSettingsView> {
  const channel = await db.selectFrom('channels').select(['id', 'type']).where('tenant_id', '=', tenantId).where('id', '=', channelId).executeTakeFirst();
  if (!channel || channel.type.startsWith('voice-')) throw new NotFoundError('channel');
  const values = {
    enabled: input.enabled,
    max_turns: input.maxTurns,
    min_score: input.minScore,
    handoff_keywords: input.handoffKeywords,
    handoff_tags: input.handoffTags,
    hours: input.hours,
    updated_at: sql<Date>`now()`,
  };
  await botDb(db)
    .insertInto('bot_settings')
    .values({ tenant_id: tenantId, channel_id: channelId, ...values })
    .onConflict((oc) => oc.column('channel_id').doUpdateSet(values))
    .execute();
  return getBotSettings(db, tenantId, channelId);
}
