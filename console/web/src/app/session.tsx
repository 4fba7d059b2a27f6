import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Permission, Session } from '../api/types.js';
import { useApi } from './api-context.js';

type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  /** The address names no company (the bare host, or an unknown slug). */
  | { kind: 'no-company' }
  | { kind: 'signed-in'; session: Session }
  | { kind: 'error'; error: Error };

interface SessionContextValue {
  state: SessionState;
  /** Reads the session back from the server (after sign-in, or to retry). */
  refresh(): Promise<void>;
  /** Ends the session; answers the company's logout URL when single sign-on opened it. */
  signOut(): Promise<string | null>;
  /** Replaces the signed-in user's data (e.g. after a status change). */
  update(change: (session: Session) => Session): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const { auth, client } = useApi();
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const { company, session } = await auth.sessionState();
      client.setCsrfToken(session?.csrfToken);
      if (session) setState({ kind: 'signed-in', session });
      else setState({ kind: company ? 'signed-out' : 'no-company' });
    } catch (error) {
      client.setCsrfToken(undefined);
      setState({ kind: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    }
  }, [auth, client]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    client.onSessionEnded = () => {
      client.setCsrfToken(undefined);
      setState({ kind: 'signed-out' });
    };
    return () => {
      client.onSessionEnded = undefined;
    };
  }, [client]);

  const signOut = useCallback(async () => {
    try {
      return (await auth.signOut()).logoutUrl;
    } finally {
      client.setCsrfToken(undefined);
      setState({ kind: 'signed-out' });
    }
  }, [auth, client]);

  const update = useCallback((change: (session: Session) => Session) => {
    setState((current) => (current.kind === 'signed-in' ? { kind: 'signed-in', session: change(current.session) } : current));
  }, []);

  const value = useMemo(() => ({ state, refresh, signOut, update }), [state, refresh, signOut, update]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in session; only for components under the signed-in shell. */
export function useSignedIn(): Session {
  const { state } = useSession();
  if (state.kind !== 'signed-in') throw new Error('useSignedIn without a session');
  return state.session;
}

export const hasPermission = (session: Session, permission: Permission) => session.permissions.includes(permission);
