import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../app/api-context.js';
import { useSignedIn } from '../app/session.js';
import { useFeedEvents } from '../realtime/feed.js';
import { callsApi, type MyPhone } from './api.js';

export interface PopEntry {
  callId: string;
  conversationId: string;
  number: string;
  at: string;
  /** ringing until the agent answers (answered) or the phone stops ringing for them (missed). */
  outcome: 'ringing' | 'answered' | 'missed';
}

const historyKey = (userId: string) => `switchboard.pops.${userId}`;

function savedPops(userId: string): PopEntry[] {
  try {
    const saved = JSON.parse(localStorage.getItem(historyKey(userId)) ?? '[]') as unknown;
    return Array.isArray(saved) ? (saved as PopEntry[]).slice(0, 50) : [];
  } catch {
    return [];
  }
}

/**
 * The agent's phone as the console sees it: their phone and work state (reloaded on every
 * change the feed tells of, and every few seconds), the screen pop of a call ringing them
 * (from the feed's `call.ringing`, at once), and the pops of this browser, missed ones marked.
 */
export function usePhone() {
  const { client } = useApi();
  const session = useSignedIn();
  const api = useMemo(() => callsApi(client), [client]);
  const [me, setMe] = useState<MyPhone>();
  const [error, setError] = useState<unknown>();
  const [pops, setPops] = useState<PopEntry[]>(() => savedPops(session.user.id));
  const [current, setCurrent] = useState<PopEntry>();

  const reload = useCallback(async () => {
    try {
      const next = await api.me();
      setMe(next);
      setError(undefined);
      setPops((list) => {
        const updated = list.map((pop) => {
          if (pop.outcome !== 'ringing') return pop;
          if (next.call?.id === pop.callId && next.call.state === 'answered') return { ...pop, outcome: 'answered' as const };
          if (next.call?.id !== pop.callId) return { ...pop, outcome: 'missed' as const };
          return pop;
        });
        return updated.some((p, i) => p !== list[i]) ? updated : list;
      });
    } catch (caught) {
      setError(caught);
    }
  }, [api]);

  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), 5000);
    return () => clearInterval(timer);
  }, [reload]);

  useEffect(() => {
    try {
      localStorage.setItem(historyKey(session.user.id), JSON.stringify(pops.slice(0, 50)));
    } catch {
      // Private mode: the history lasts for this page.
    }
  }, [pops, session.user.id]);

  useFeedEvents((event) => {
    if (event.kind === 'call.ringing' && event.payload.agentId === session.user.id) {
      const pop: PopEntry = {
        callId: event.payload.callId,
        conversationId: event.payload.conversation.id,
        number: event.payload.direction === 'in' ? event.payload.from : event.payload.to,
        at: new Date().toISOString(),
        outcome: 'ringing',
      };
      setCurrent(pop);
      setPops((list) => [pop, ...list.filter((p) => p.callId !== pop.callId)].slice(0, 50));
      void reload();
    } else if (event.kind.startsWith('conversation.') || (event.kind === 'agent.status' && event.payload.userId === session.user.id)) {
      void reload();
    }
  });

  return { api, me, error, reload, pops, current, open: setCurrent };
}
