import { z } from 'zod';
import type { ChannelRouting, InboundMessage } from './messages.js';

/**
 * What a call tells the rest of Switchboard, as an inbound message of a conversation of kind
 * `voice` whose thread key is the provider's call id: the customer's number is the sender, so
 * every call from one number lands with one contact. The router follows `routing`: a call in the
 * menu is held, a caller who chose a queue is routed there, a call that ended is resolved.
 */
export const CALL_EVENTS = [
  'call.started',
  'call.queued',
  'call.answered',
  'call.transferred',
  'call.held',
  'call.resumed',
  'call.ended',
  'call.left_queue',
  'call.rated',
] as const;
export type CallEventName = (typeof CALL_EVENTS)[number];

export const callSignalSchema = z.object({
  signal: z.literal('call'),
  /** Unique per signal, stable across retries: the dedupe key. */
  signalId: z.string().min(1).max(300),
  providerCallId: z.string().min(1).max(200),
  event: z.enum(CALL_EVENTS),
  direction: z.enum(['in', 'out']),
  customerNumber: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()).default({}),
  routing: z
    .object({
      hold: z.boolean().optional(),
      groupId: z.uuid().optional(),
      agentId: z.uuid().optional(),
      direct: z.boolean().optional(),
      priority: z.number().int().optional(),
      end: z.boolean().optional(),
      leave: z.boolean().optional(),
    })
    .optional(),
  at: z.string(),
});
export type CallSignal = z.infer<typeof callSignalSchema>;

export function callSignal(
  call: { provider_call_id: string; direction: 'in' | 'out'; from_number: string; to_number: string },
  event: CallEventName,
  data: Record<string, unknown> = {},
  routing?: ChannelRouting,
  /** Tells apart two signals of one kind on one call (a second transfer). */
  seq = '',
): CallSignal {
  return {
    signal: 'call',
    signalId: `${call.provider_call_id}:${event}${seq ? `:${seq}` : ''}`,
    providerCallId: call.provider_call_id,
    event,
    direction: call.direction,
    customerNumber: call.direction === 'in' ? call.from_number : call.to_number,
    data,
    ...(routing ? { routing } : {}),
    at: new Date().toISOString(),
  };
}

/** The connectors' `normalize`: a call signal becomes a message of the call's conversation. */
export function normalizeCallSignal(payload: unknown): InboundMessage {
  const signal = callSignalSchema.parse(payload);
  return {
    externalId: signal.signalId,
    threadKey: signal.providerCallId,
    kind: 'voice',
    // The number comes from the phone network, not from the caller's say-so.
    sender: { externalId: signal.customerNumber, phone: signal.customerNumber, verified: ['phone'] },
    parts: [{ type: 'event', name: signal.event, data: { ...signal.data, direction: signal.direction } }],
    sentAt: signal.at,
    ...(signal.routing ? { routing: signal.routing } : {}),
    raw: payload,
  };
}
