import { createHash } from 'node:crypto';

/**
 * The id the gateway gives a customer's message before it is stored: a UUID (version 8, name
 * based) of the channel and the provider's or client's message id. A replayed request answers
 * the same id, and the stored message carries it (`gatewayId`), so a client can find it later.
 */
export function gatewayMessageId(channelId: string, externalId: string): string {
  const hash = createHash('sha256').update(`${channelId}\n${externalId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
