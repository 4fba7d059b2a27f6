import WebSocket from 'ws';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../../core/connector/errors.js';
import type { OutboundClient } from '../../../core/net/outbound.js';

export interface AriOptions {
  /** ARI's base, e.g. `http://pbx:8088/ari`. */
  baseUrl: string;
  user: string;
  password: string;
  /** The Stasis application calls enter (`Stasis(<app>)` in the dialplan). */
  app: string;
  timeoutMs?: number;
  /** The base URL is the company's: every request and the event socket go through its checks. */
  outbound: OutboundClient;
}

/**
 * A small client for Asterisk's REST Interface: REST calls with fetch and HTTP basic auth, and
 * the application's event stream over a WebSocket. Only what the call center uses.
 */
export class AriClient {
  constructor(private readonly options: AriOptions) {}

  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    try {
      response = await this.options.outbound.fetch(url, {
        method,
        headers: { authorization: `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}` },
        timeoutMs: this.options.timeoutMs ?? 5000,
      });
    } catch (error) {
      throw errorForNetwork(error, `ARI ${method} ${path}`);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      // 404 on a channel that has hung up already: the wanted state is reached.
      if (response.status === 404 && method === 'DELETE') return undefined as T;
      throw errorForStatus(response.status, `ARI ${method} ${path} (${text.slice(0, 200)})`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  answer(channelId: string) {
    return this.request<void>('POST', `/channels/${enc(channelId)}/answer`);
  }

  /** Starts playing `media` (e.g. `sound:welcome`) on a channel; resolves with the playback's id. */
  play(channelId: string, media: string, playbackId: string, language?: string) {
    return this.request<{ id: string }>('POST', `/channels/${enc(channelId)}/play/${enc(playbackId)}`, { media, lang: language });
  }

  stopPlayback(playbackId: string) {
    return this.request<void>('DELETE', `/playbacks/${enc(playbackId)}`);
  }

  /** Puts a channel on hold (`POST /channels/{channelId}/hold`): the far end hears hold, not the agent. */
  hold(channelId: string) {
    return this.request<void>('POST', `/channels/${enc(channelId)}/hold`);
  }

  /** Takes a channel off hold (`DELETE /channels/{channelId}/hold`). */
  unhold(channelId: string) {
    return this.request<void>('DELETE', `/channels/${enc(channelId)}/hold`);
  }

  startMusicOnHold(channelId: string, mohClass?: string) {
    return this.request<void>('POST', `/channels/${enc(channelId)}/moh`, { mohClass });
  }

  stopMusicOnHold(channelId: string) {
    return this.request<void>('DELETE', `/channels/${enc(channelId)}/moh`);
  }

  /** Dials an endpoint; the new channel enters the application once it answers. */
  originate(params: { endpoint: string; channelId: string; appArgs: string; callerId?: string; timeout: number }) {
    return this.request<{ id: string }>('POST', '/channels', {
      endpoint: params.endpoint,
      app: this.options.app,
      appArgs: params.appArgs,
      channelId: params.channelId,
      callerId: params.callerId,
      timeout: params.timeout,
    });
  }

  hangup(channelId: string, reason = 'normal') {
    return this.request<void>('DELETE', `/channels/${enc(channelId)}`, { reason });
  }

  redirect(channelId: string, endpoint: string) {
    return this.request<void>('POST', `/channels/${enc(channelId)}/redirect`, { endpoint });
  }

  createBridge(bridgeId: string) {
    return this.request<{ id: string }>('POST', '/bridges', { type: 'mixing', bridgeId });
  }

  addToBridge(bridgeId: string, channelIds: string[]) {
    return this.request<void>('POST', `/bridges/${enc(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
  }

  destroyBridge(bridgeId: string) {
    return this.request<void>('DELETE', `/bridges/${enc(bridgeId)}`);
  }

  recordBridge(bridgeId: string, name: string) {
    return this.request<{ name: string }>('POST', `/bridges/${enc(bridgeId)}/record`, { name, format: 'wav', ifExists: 'overwrite' });
  }

  recordChannel(channelId: string, name: string, maxDurationSeconds: number) {
    return this.request<{ name: string }>('POST', `/channels/${enc(channelId)}/record`, {
      name,
      format: 'wav',
      maxDurationSeconds,
      beep: 'true',
      terminateOn: '#',
      ifExists: 'overwrite',
    });
  }

  /** A stored recording's audio, streamed back to the console (never a public URL). */
  async recordingFile(name: string): Promise<Response> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}/recordings/stored/${enc(name)}/file`;
    const response = await this.options.outbound
      .fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}` },
        // Passed on as it arrives, never held whole: a long call's WAV runs to tens of megabytes.
        // The time covers the whole transfer, to an agent on a slow line too.
        timeoutMs: 15 * 60_000,
        maxBytes: 200 * 1024 * 1024,
        stream: true,
      })
      .catch((error: unknown) => {
        throw errorForNetwork(error, 'ARI recordings');
      });
    if (!response.ok) throw errorForStatus(response.status, `ARI recording ${name}`);
    return response;
  }

  /**
   * Opens the application's event stream. Resolves once connected; `onEvent` gets each event in
   * order; the returned promise `closed` settles when the socket closes.
   */
  connectEvents(onEvent: (event: AriEvent) => void, signal: AbortSignal): Promise<{ closed: Promise<void> }> {
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('app', this.options.app);
    url.searchParams.set('subscribeAll', 'false');
    // ws opens its own socket: the same address check as its lookup, and a literal IP checked first.
    try {
      this.options.outbound.checkUrl(url.toString().replace(/^ws/, 'http'));
    } catch (error) {
      return Promise.reject(errorForNetwork(error, 'ARI events'));
    }
    const socket = new WebSocket(url, {
      lookup: this.options.outbound.lookup,
      headers: { authorization: `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}` },
      handshakeTimeout: this.options.timeoutMs ?? 5000,
    });
    const abort = () => socket.close(1000);
    signal.addEventListener('abort', abort, { once: true });
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        signal.removeEventListener('abort', abort);
        resolve();
      }),
    );
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string') onEvent(parsed as AriEvent);
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ closed }));
      socket.once('error', (error) => reject(ConnectorError.retryable(`ARI events: ${error.message}`, 'network', error)));
      socket.once('unexpected-response', (_request, response) => reject(errorForStatus(response.statusCode ?? 500, 'ARI events')));
    });
  }
}

const enc = encodeURIComponent;

/** The parts of ARI's Channel object the call center reads. */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number };
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

/** ARI events as Asterisk sends them (type, timestamp, application, and the event's fields). */
export type AriEvent =
  | { type: 'StasisStart'; timestamp: string; application: string; args: string[]; channel: AriChannel }
  | { type: 'StasisEnd'; timestamp: string; application: string; channel: AriChannel }
  | { type: 'ChannelDtmfReceived'; timestamp: string; application: string; digit: string; duration_ms: number; channel: AriChannel }
  | { type: 'ChannelStateChange'; timestamp: string; application: string; channel: AriChannel }
  | { type: 'ChannelHangupRequest'; timestamp: string; application: string; cause?: number; soft?: boolean; channel: AriChannel }
  | { type: 'ChannelDestroyed'; timestamp: string; application: string; cause: number; cause_txt: string; channel: AriChannel }
  | { type: 'PlaybackStarted'; timestamp: string; application: string; playback: AriPlayback }
  | { type: 'PlaybackFinished'; timestamp: string; application: string; playback: AriPlayback }
  | {
      type: 'RecordingFinished';
      timestamp: string;
      application: string;
      recording: { name: string; format: string; state: string; target_uri: string; duration?: number };
    }
  | { type: string; timestamp: string; application: string };
