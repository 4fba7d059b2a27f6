import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CLOSE_SIGNED_OUT, parseServerFrame, reconnectDelay, type FeedEvent } from './events.js';

export type FeedStatus = 'connecting' | 'live' | 'offline';
type Listener = (event: FeedEvent) => void;

interface Feed {
  status: FeedStatus;
  /** Bumped after every reconnection: lists reload what they may have missed. */
  generation: number;
  subscribe(listener: Listener): () => void;
  /** Tells the customer's side that the agent is typing (best effort). */
  sendTyping(conversationId: string, on: boolean): void;
}

const FeedContext = createContext<Feed | null>(null);

/**
 * The agents' real-time feed over one WebSocket: the browser sends the session cookie with the
 * upgrade and the server decides which events this agent may see. Heartbeats at the pace the
 * server asks keep the agent present; a lost socket reconnects with back-off.
 */
export function FeedProvider({ url, onSignedOut, children }: { url: string; onSignedOut(): void; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const socketRef = useRef<WebSocket | undefined>(undefined);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;
    let opened = false;
    let stopped = false;
    const connect = () => {
      setStatus('connecting');
      const socket = new WebSocket(url);
      socketRef.current = socket;
      socket.onmessage = (message) => {
        const frame = parseServerFrame(message.data);
        if (!frame) return;
        if (frame.type === 'ready') {
          if (opened) setGeneration((n) => n + 1);
          opened = true;
          attempt = 0;
          setStatus('live');
          clearInterval(heartbeat);
          heartbeat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: 'heartbeat' })), frame.heartbeatMs);
        } else if (frame.type === 'event' || frame.type === 'events') {
          for (const event of frame.type === 'event' ? [frame.event] : frame.events) for (const listener of listeners.current) listener(event);
        }
      };
      socket.onclose = (event) => {
        clearInterval(heartbeat);
        if (stopped) return;
        setStatus('offline');
        if (event.code === CLOSE_SIGNED_OUT) {
          signedOut.current();
          return;
        }
        timer = setTimeout(connect, reconnectDelay(attempt++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      socketRef.current?.close();
    };
  }, [url]);

  const stable = useMemo(
    () => ({
      subscribe(listener: Listener) {
        listeners.current.add(listener);
        return () => {
          listeners.current.delete(listener);
        };
      },
      sendTyping(conversationId: string, on: boolean) {
        const socket = socketRef.current;
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'typing', conversationId, on }));
      },
    }),
    [],
  );
  const value = useMemo(() => ({ status, generation, ...stable }), [status, generation, stable]);
  return <FeedContext.Provider value={value}>{children}</FeedContext.Provider>;
}

export function useFeed(): Feed {
  const feed = useContext(FeedContext);
  if (!feed) throw new Error('useFeed outside FeedProvider');
  return feed;
}

/** Calls `listener` for every event while the component is mounted (the latest listener, without resubscribing). */
export function useFeedEvents(listener: Listener): void {
  const { subscribe } = useFeed();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}

/**
 * The feed's address for a company's base path: same host, ws or wss as the page. It asks for
 * batches: the events of a burst come in one frame (the page reads single-event frames too).
 */
export function feedUrl(basePath: string, location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${basePath}/api/realtime?batch=1`;
}
