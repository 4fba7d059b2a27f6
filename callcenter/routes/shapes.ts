/**
 * The call center's answers, as zod schemas for the API description; named ones (`.meta({ id })`)
 * keep their name in the web app's generated types.
 */
import { z } from 'zod';

export const at = z.string().describe('an instant, ISO 8601 (UTC)');

export const callStateSchema = z.enum(['ivr', 'queued', 'ringing', 'answered', 'ended']).meta({ id: 'CallState' });
export const callDirectionSchema = z.enum(['in', 'out']).meta({ id: 'CallDirection' });

/** An outbound call task in a list: its name and time window. */
export const callTaskSummarySchema = z.object({ id: z.string(), name: z.string(), startsAt: at, endsAt: at }).meta({ id: 'CallTaskSummary' });

export const iso = (d: Date | string) => new Date(d).toISOString();
export const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

/** Where an agent stands with the phone: from their statuses and their latest call. */
export const workStateSchema = z.enum(['idle', 'break', 'ringing', 'on_call', 'wrap_up', 'offline']).meta({ id: 'WorkState' });
