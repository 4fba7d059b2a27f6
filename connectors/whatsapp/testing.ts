import type { Harness } from '../../core/connector/testkit/index.js';
import { hubSignature } from '../../test/fakes/graph-api.js';
import { processInbound } from '../../router/pipeline/process-batch.js';
import { whatsappFixtures } from './fixtures/index.js';
import { SIGNATURE_HEADER } from './inbound.js';

/** Test helper: a customer's text arrives now through the signed webhook and the router stores it; returns their wa_id. */
export async function customerWrites(harness: Harness, appSecret: string, waId: string, text = 'Hello?'): Promise<string> {
  const body = structuredClone(whatsappFixtures.text);
  const value = body.entry[0].changes[0].value;
  value.contacts[0].wa_id = waId;
  Object.assign(value.messages[0], { from: waId, id: `wamid.now-${Date.now()}-${Math.random()}`, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text } });
  const raw = Buffer.from(JSON.stringify(body));
  const before = harness.published.length;
  const response = await harness.request(`/hooks/${harness.channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: hubSignature(appSecret, raw) },
    body: new Uint8Array(raw),
  });
  if (response.status !== 200) throw new Error(`the webhook answered ${response.status}`);
  const envelopes = harness.published.slice(before);
  await harness.deps.db.transaction().execute((trx) => processInbound(trx, envelopes));
  return waId;
}
