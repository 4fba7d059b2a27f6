import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { parseFeedFrame, reconnectDelay, type FeedEvent } from './events.js';

export type FeedStatus = 'connecting' | 'live' | 'offline';
type Listener = (event: FeedEvent) => void;

interface Feed {
  status: FeedStatus;
  subscribe(listener: Listener): () => void;
  /** Bumped after every reconnection: lists reload what they may have missed. */
  generation: number;
}

const FeedContext = createContext<Feed | null>(null);

/**
 * The agents' real-time feed over one WebSocket, reconnecting with back-off. The browser sends
 * the session cookie with the upgrade; the server decides which events this agent may see.
 */
export function FeedProvider({ url, children }: { url: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let socket: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const connect = () => {
      setStatus('connecting');
      socket = new WebSocket(url);
      socket.onopen = () => {
        if (attempt > 0) setGeneration((n) => n + 1);
        attempt = 0;
        setStatus('live');
      };
      socket.onmessage = (message) => {
        const event = parseFeedFrame(message.data);
        if (event) for (const listener of listeners.current) listener(event);
      };
      socket.onclose = () => {
        if (stopped) return;
        setStatus('offline');
        timer = setTimeout(connect, reconnectDelay(attempt++));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [url]);

  const feed = useRef<Omit<Feed, 'status' | 'generation'>>({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  });
  return <FeedContext.Provider value={{ status, generation, subscribe: feed.current.subscribe }}>{children}</FeedContext.Provider>;
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

/** The feed's address for a company's base path: same host, ws or wss as the page. */
export function feedUrl(basePath: string, location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${basePath}/api/realtime`;
}
