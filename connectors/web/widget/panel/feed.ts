import type { ChatMessage, WidgetApi } from '../api.js';

export interface Frame {
  type: string;
  message?: ChatMessage;
  on?: boolean;
  position?: number | null;
  agent?: string | null;
  /** `read`: the visitor's messages up to this id were read in the console. */
  upTo?: string;
  /** `read`: the visitor's own ids of the messages read, for those the page has no id for yet. */
  clientMessageIds?: string[];
}

/**
 * The live feed: WebSocket first, Server-Sent Events if it cannot open; `onConnected` runs on
 * every (re)connect so the panel catches up from its cursor. Answers a function that stops it.
 */
export function connectFeed(api: WidgetApi, onFrame: (frame: Frame) => void, onConnected: () => void): () => void {
  let retry = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let close: (() => void) | undefined;
  const connect = (preferSse = false) => {
    if (stopped) return;
    const query = `?token=${encodeURIComponent(api.token ?? '')}`;
    const connected = () => {
      retry = 0;
      onConnected();
    };
    const again = (sse: boolean) => {
      if (!stopped) timer = setTimeout(() => connect(sse), Math.min(30_000, 500 * 2 ** retry++));
    };
    let socket: WebSocket | undefined;
    try {
      if (!preferSse && typeof WebSocket === 'function') socket = new WebSocket(`${api.base.replace(/^http/, 'ws')}/socket${query}`);
    } catch {
      socket = undefined;
    }
    if (socket) {
      let opened = false;
      const ws = socket;
      ws.onmessage = (e) => {
        const frame = JSON.parse(String(e.data)) as Frame;
        if (frame.type === 'ready') {
          opened = true;
          connected();
        } else onFrame(frame);
      };
      ws.onclose = () => again(!opened);
      close = () => {
        ws.onclose = null;
        ws.close();
      };
      return;
    }
    const source = new EventSource(`${api.base}/events${query}`);
    source.onmessage = (e) => {
      const frame = JSON.parse(e.data) as Frame;
      if (frame.type === 'ready') connected();
      else onFrame(frame);
    };
    source.onerror = () => {
      source.close();
      again(false);
    };
    close = () => source.close();
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    close?.();
  };
}
