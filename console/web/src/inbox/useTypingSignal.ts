import { useCallback, useEffect, useRef } from 'react';

const idleMs = 4000;

/**
 * Turns keystrokes into few typing signals: "on" once when typing starts, "off" after a pause,
 * on sending, or when the box goes away.
 */
export function useTypingSignal(send: ((on: boolean) => void) | undefined) {
  const on = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef(send);
  latest.current = send;
  const signal = useCallback((typing: boolean) => {
    clearTimeout(timer.current);
    if (typing) {
      if (!on.current) latest.current?.(true);
      on.current = true;
      timer.current = setTimeout(() => {
        on.current = false;
        latest.current?.(false);
      }, idleMs);
    } else if (on.current) {
      on.current = false;
      latest.current?.(false);
    }
  }, []);
  useEffect(() => () => signal(false), [signal]);
  return signal;
}
