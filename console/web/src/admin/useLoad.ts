import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads something once and on demand again (after a change); keeps the last error. A load that
 * started before a change shown with `update` is dropped when it answers: it would put back what
 * the change replaced (the change's own reload, after the server confirms it, shows what was kept).
 */
export function useLoad<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const changes = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt asks for a reload
  useEffect(() => {
    let current = true;
    const changesAtStart = changes.current;
    load().then(
      (value) => {
        if (!current || changes.current !== changesAtStart) return;
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
  const update = useCallback((change: (current: T) => T) => {
    changes.current++;
    setData((current) => (current === undefined ? current : change(current)));
  }, []);
  return { data, error, reload, update };
}
