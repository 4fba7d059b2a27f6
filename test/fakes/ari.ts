import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A stand-in for Asterisk's REST Interface, speaking ARI's documented JSON: REST under `/ari`
 * with HTTP basic auth, and the application's events over the WebSocket at `/ari/events?app=`.
 * A test drives call scenarios (a caller dials in, presses keys, an agent's phone answers or
 * not, someone hangs up); the fake records every REST request and answers like Asterisk,
 * including 404 `{"message":"Channel not found"}` for a channel that is gone.
 */
export interface AriRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

interface FakeChannel {
  id: string;
  name: string;
  state: 'Down' | 'Ring' | 'Ringing' | 'Up';
  callerNumber: string;
  exten: string;
  /** For originated legs: the endpoint dialled and the app args. */
  endpoint?: string;
  appArgs?: string[];
  inStasis: boolean;
  moh: boolean;
  /** Held through `POST /channels/{id}/hold`, until `DELETE /channels/{id}/hold`. */
  held: boolean;
  bridgeId?: string;
}

export class FakeAri {
  readonly requests: AriRequest[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, Set<string>>();
  readonly recordings: string[] = [];
  /** Recordings in progress: name → what is recorded (`channel:<id>` or `bridge:<id>`), and since when. */
  private readonly live = new Map<string, { target: string; format: string; started: number }>();
  /** How long a playback lasts before PlaybackFinished. */
  playbackMs = 20;
  private sockets = new Set<WebSocket>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  url = '';

  constructor(
    readonly app = 'switchboard',
    private readonly user = 'asterisk',
    private readonly password = 'ari-secret',
  ) {}

  async start(): Promise<string> {
    this.wss = new WebSocketServer({ noServer: true });
    this.server = createServer((req, res) => void this.rest(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/ari/events' || url.searchParams.get('app') !== this.app || !this.authorized(req)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}/ari`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get connected(): number {
    return this.sockets.size;
  }

  /** Drops the events connection, as a restarting Asterisk would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  // ---- scenario steps ----

  /** A caller dials `exten`; the dialplan sends the channel to Stasis. Returns the channel id. */
  incomingCall(from: string, exten = '4000'): string {
    const id = `${Math.floor(Date.now() / 1000)}.${Math.floor(Math.random() * 1e6)}`;
    const channel: FakeChannel = { id, name: `PJSIP/trunk-${id}`, state: 'Ring', callerNumber: from, exten, inStasis: true, moh: false, held: false };
    this.channels.set(id, channel);
    this.emit({ type: 'StasisStart', args: [], channel: this.snapshot(channel) });
    return id;
  }

  pressKey(channelId: string, digit: string): void {
    this.emit({ type: 'ChannelDtmfReceived', digit, duration_ms: 120, channel: this.snapshot(this.channel(channelId)) });
  }

  /** The legs originated to an endpoint (an agent's phone) that are still alive. */
  ringing(endpoint?: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.endpoint && c.state !== 'Up' && (!endpoint || c.endpoint === endpoint));
  }

  /** The agent picks up: the originated channel answers and enters the application with its args. */
  answer(legId: string): void {
    const leg = this.channel(legId);
    leg.state = 'Up';
    leg.inStasis = true;
    this.emit({ type: 'ChannelStateChange', channel: this.snapshot(leg) });
    this.emit({ type: 'StasisStart', args: leg.appArgs ?? [], channel: this.snapshot(leg) });
  }

  /** Someone hangs up (cause 16, normal clearing), or a leg rings out (19) or is busy (17). */
  hangup(channelId: string, cause: 16 | 17 | 19 = 16): void {
    const channel = this.channels.get(channelId);
    if (!channel) return;
    this.destroy(channel, cause);
  }

  // ---- the REST interface ----

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    const url = new URL(req.url ?? '/', 'http://x');
    return req.headers.authorization === expected || url.searchParams.get('api_key') === `${this.user}:${this.password}`;
  }

  private async rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    for await (const _ of req);
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.replace(/^\/ari/, '');
    if (!this.authorized(req)) return send(res, 401, { message: 'Authentication required' });
    this.requests.push({ method: req.method ?? 'GET', path, query });
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [resource, id, action, sub] = parts;

    if (resource === 'channels' && req.method === 'POST' && !id) {
      if (!query.endpoint) return send(res, 400, { message: 'Endpoint must be specified' });
      const legId = query.channelId ?? randomUUID();
      const leg: FakeChannel = {
        id: legId,
        name: `${query.endpoint}-${legId.slice(0, 8)}`,
        state: 'Down',
        callerNumber: query.callerId ?? '',
        exten: 's',
        endpoint: query.endpoint,
        appArgs: (query.appArgs ?? '').split(','),
        inStasis: false,
        moh: false,
        held: false,
      };
      this.channels.set(legId, leg);
      send(res, 200, this.snapshot(leg));
      leg.state = 'Ringing';
      return;
    }
    if (resource === 'channels' && id) {
      const channel = this.channels.get(id);
      if (!channel) return send(res, 404, { message: 'Channel not found' });
      if (req.method === 'DELETE' && !action) {
        send(res, 204);
        this.destroy(channel, 16);
        return;
      }
      if (!channel.inStasis) return send(res, 409, { message: 'Channel not in Stasis application' });
      if (action === 'answer' && req.method === 'POST') {
        channel.state = 'Up';
        send(res, 204);
        this.emit({ type: 'ChannelStateChange', channel: this.snapshot(channel) });
        return;
      }
      if (action === 'play' && req.method === 'POST') {
        const playbackId = sub ?? query.playbackId ?? randomUUID();
        const playback = { id: playbackId, media_uri: query.media ?? '', target_uri: `channel:${id}`, language: query.lang ?? 'en', state: 'queued' };
        send(res, 201, playback);
        this.emit({ type: 'PlaybackStarted', playback: { ...playback, state: 'playing' } });
        setTimeout(() => this.emit({ type: 'PlaybackFinished', playback: { ...playback, state: 'done' } }), this.playbackMs);
        return;
      }
      if (action === 'hold' && !sub) {
        // ARI: 404 Channel not found, 409 Channel not in a Stasis application, 412 Channel in invalid state.
        if (req.method !== 'POST' && req.method !== 'DELETE') return send(res, 405, { message: 'Invalid method' });
        if (channel.state !== 'Up') return send(res, 412, { message: 'Channel in invalid state' });
        channel.held = req.method === 'POST';
        return send(res, 204);
      }
      if (action === 'moh') {
        channel.moh = req.method === 'POST';
        return send(res, 204);
      }
      if (action === 'record' && req.method === 'POST') {
        this.recordings.push(query.name ?? '');
        this.live.set(query.name ?? '', { target: `channel:${id}`, format: query.format ?? 'wav', started: Date.now() });
        return send(res, 201, { name: query.name, format: query.format, state: 'recording', target_uri: `channel:${id}` });
      }
      return send(res, 404, { message: 'Resource not found' });
    }
    if (resource === 'bridges' && req.method === 'POST' && !id) {
      const bridgeId = query.bridgeId ?? randomUUID();
      this.bridges.set(bridgeId, new Set());
      return send(res, 200, { id: bridgeId, technology: 'simple_bridge', bridge_type: 'mixing', bridge_class: 'stasis', channels: [] });
    }
    if (resource === 'bridges' && id) {
      const bridge = this.bridges.get(id);
      if (!bridge) return send(res, 404, { message: 'Bridge not found' });
      if (action === 'addChannel') {
        const ids = (query.channel ?? '').split(',').filter(Boolean);
        if (ids.some((c) => !this.channels.has(c))) return send(res, 400, { message: 'Channel not found' });
        for (const c of ids) {
          bridge.add(c);
          this.channels.get(c)!.bridgeId = id;
          this.emit({ type: 'ChannelEnteredBridge', bridge: { id, channels: [...bridge] }, channel: this.snapshot(this.channels.get(c)!) });
        }
        return send(res, 204);
      }
      if (action === 'record') {
        this.recordings.push(query.name ?? '');
        this.live.set(query.name ?? '', { target: `bridge:${id}`, format: query.format ?? 'wav', started: Date.now() });
        return send(res, 201, { name: query.name, format: query.format, state: 'recording', target_uri: `bridge:${id}` });
      }
      if (req.method === 'DELETE') {
        this.bridges.delete(id);
        this.finishRecordings(`bridge:${id}`);
        return send(res, 204);
      }
    }
    if (resource === 'playbacks' && req.method === 'DELETE') return send(res, 204);
    if (resource === 'recordings' && id === 'stored' && sub === 'file' && req.method === 'GET') {
      const name = action ?? '';
      if (!this.recordings.includes(name)) return send(res, 404, { message: 'Recording not found' });
      res.writeHead(200, { 'content-type': 'audio/x-wav' }).end(FAKE_WAV);
      return;
    }
    return send(res, 404, { message: 'Resource not found' });
  }

  private destroy(channel: FakeChannel, cause: 16 | 17 | 19): void {
    const causeTxt = { 16: 'Normal Clearing', 17: 'User busy', 19: 'No answer' }[cause];
    this.channels.delete(channel.id);
    if (channel.bridgeId) this.bridges.get(channel.bridgeId)?.delete(channel.id);
    this.emit({ type: 'ChannelHangupRequest', cause, channel: this.snapshot(channel) });
    if (channel.inStasis) this.emit({ type: 'StasisEnd', channel: this.snapshot(channel) });
    this.emit({ type: 'ChannelDestroyed', cause, cause_txt: causeTxt, channel: this.snapshot(channel) });
    this.finishRecordings(`channel:${channel.id}`);
  }

  /** A recording ends with what it records (a hung-up channel, a destroyed bridge): ARI's RecordingFinished. */
  private finishRecordings(target: string): void {
    for (const [name, recording] of this.live) {
      if (recording.target !== target) continue;
      this.live.delete(name);
      const duration = Math.round((Date.now() - recording.started) / 1000);
      this.emit({
        type: 'RecordingFinished',
        recording: { name, format: recording.format, state: 'done', target_uri: target, duration, talking_duration: duration, silence_duration: 0 },
      });
    }
  }

  private channel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`no channel ${id}`);
    return channel;
  }

  private snapshot(c: FakeChannel) {
    return {
      id: c.id,
      name: c.name,
      state: c.state,
      protocol_id: '',
      caller: { name: '', number: c.callerNumber },
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: { context: 'from-external', exten: c.exten, priority: 1, app_name: 'Stasis', app_data: this.app },
      creationtime: new Date().toISOString().replace('Z', '+0000'),
      language: 'en',
    };
  }

  private emit(event: Record<string, unknown>): void {
    const message = JSON.stringify({
      ...event,
      timestamp: new Date().toISOString().replace('Z', '+0000'),
      application: this.app,
      asterisk_id: '00:11:22:33:44:55',
    });
    for (const socket of this.sockets) socket.send(message);
  }
}

/** A 44-byte WAV header with no samples: enough to tell a recording was streamed through. */
export const FAKE_WAV = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([36, 0, 0, 0]),
  Buffer.from('WAVEfmt '),
  Buffer.alloc(24),
  Buffer.from('data'),
  Buffer.alloc(4),
]);

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
