import { errorForNetwork, errorForStatus } from '../../../core/connector/errors.js';
import type { OutboundClient } from '../../../core/net/outbound.js';
import type { TwilioConfig } from './connector.js';

/** The channel's settings and the guarded client: the API base URL is the company's to set. */
type Ctx = { config: TwilioConfig; outbound: OutboundClient };

/**
 * Changes a live call through Twilio's REST API (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`,
 * form-encoded, HTTP basic auth with the account SID and auth token): send it to new TwiML, or end it.
 */
export async function updateLiveCall({ config, outbound }: Ctx, callSid: string, change: { url: string } | { hangup: true }): Promise<void> {
  const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Calls/${encodeURIComponent(callSid)}.json`;
  const form = new URLSearchParams('url' in change ? { Url: change.url, Method: 'POST' } : { Status: 'completed' });
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      timeoutMs: 10_000,
    });
  } catch (error) {
    throw errorForNetwork(error, 'Twilio');
  }
  // 404: the call is over already; nothing left to change.
  if (!response.ok && response.status !== 404) throw errorForStatus(response.status, 'Twilio update call');
}

const RECORDING_MAX_BYTES = 200 * 1024 * 1024;
const RECORDING_TRANSFER_MS = 15 * 60_000;

/** A recording's audio (`GET .../Recordings/{RecordingSid}.wav`), for the console to stream to an agent allowed to hear it. */
export async function fetchRecording({ config, outbound }: Ctx, recordingSid: string): Promise<Response> {
  const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}` },
      // Passed on as it arrives, never held whole: an hour of Twilio's 8 kHz WAV is ~60 MB. The
      // time covers the whole transfer, to an agent on a slow line too.
      timeoutMs: RECORDING_TRANSFER_MS,
      maxBytes: RECORDING_MAX_BYTES,
      stream: true,
    });
  } catch (error) {
    throw errorForNetwork(error, 'Twilio');
  }
  if (!response.ok) throw errorForStatus(response.status, 'Twilio recording');
  return response;
}

/**
 * Starts a call (`POST /2010-04-01/Accounts/{AccountSid}/Calls.json`): Twilio dials `to` from
 * `from` and, once it is answered, asks `url` for TwiML; `statusCallback` hears when it ends.
 */
export async function createCall(
  { config, outbound }: Ctx,
  call: { to: string; from: string; url: string; statusCallback: string; timeoutSeconds: number },
): Promise<string> {
  const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Calls.json`;
  const form = new URLSearchParams({
    To: call.to,
    From: call.from,
    Url: call.url,
    Method: 'POST',
    StatusCallback: call.statusCallback,
    StatusCallbackMethod: 'POST',
    Timeout: String(call.timeoutSeconds),
  });
  let response: Response;
  try {
    response = await outbound.fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      timeoutMs: 10_000,
    });
  } catch (error) {
    throw errorForNetwork(error, 'Twilio');
  }
  if (!response.ok) throw errorForStatus(response.status, 'Twilio create call');
  const created = (await response.json()) as { sid?: string };
  return created.sid ?? '';
}
