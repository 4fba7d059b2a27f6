import { errorForNetwork, errorForStatus } from '../../../core/connector/errors.js';
import type { TwilioConfig } from './connector.js';

/**
 * Changes a live call through Twilio's REST API (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`,
 * form-encoded, HTTP basic auth with the account SID and auth token): send it to new TwiML, or end it.
 */
export async function updateLiveCall(config: TwilioConfig, callSid: string, change: { url: string } | { hangup: true }): Promise<void> {
  const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Calls/${encodeURIComponent(callSid)}.json`;
  const form = new URLSearchParams('url' in change ? { Url: change.url, Method: 'POST' } : { Status: 'completed' });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw errorForNetwork(error, 'Twilio');
  }
  // 404: the call is over already; nothing left to change.
  if (!response.ok && response.status !== 404) throw errorForStatus(response.status, 'Twilio update call');
  await response.body?.cancel();
}

/** A recording's audio (`GET .../Recordings/{RecordingSid}.wav`), for the console to stream to an agent allowed to hear it. */
export async function fetchRecording(config: TwilioConfig, recordingSid: string): Promise<Response> {
  const url = `${config.apiBaseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Recordings/${encodeURIComponent(recordingSid)}.wav`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}` },
      signal: AbortSignal.timeout(10_000),
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
export async function createCall(config: TwilioConfig, call: { to: string; from: string; url: string; statusCallback: string; timeoutSeconds: number }): Promise<string> {
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
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw errorForNetwork(error, 'Twilio');
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw errorForStatus(response.status, 'Twilio create call');
  }
  const created = (await response.json()) as { sid?: string };
  return created.sid ?? '';
}
