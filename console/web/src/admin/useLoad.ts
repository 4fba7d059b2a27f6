import { useCallback, useEffect, useState } from 'react';

/** Loads something once and on demand again (after a change); keeps the last error. */
export function useLoad<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt asks for a reload
  useEffect(() => {
    let current = true;
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      },
      (caught: unknown) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  /** Shows a change at once, before the server confirms it (a reload then shows what it kept). */
  const update = useCallback((change: (current: T) => T) => setData((current) => (current === undefined ? current : change(current))), []);
  return { data, error, reload, update };
}
