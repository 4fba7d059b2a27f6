import { useCallback, useState, type FormEvent } from 'react';

/** A form's submit: runs `action`, tracks that it is busy, keeps the last error's text. */
export function useSubmit(action: (form: FormData) => Promise<void>, describe: (error: unknown) => string, options: { resetOnSuccess?: boolean } = {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const onSubmit = useCallback(
    async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (busy) return;
      const form = event.currentTarget;
      setBusy(true);
      setError(undefined);
      try {
        await action(new FormData(form));
        if (options.resetOnSuccess) form.reset();
      } catch (caught) {
        setError(describe(caught));
      } finally {
        setBusy(false);
      }
    },
    [action, busy, describe, options.resetOnSuccess],
  );
  return { busy, error, setError, onSubmit };
}

export const formText = (form: FormData, name: string) => String(form.get(name) ?? '');
