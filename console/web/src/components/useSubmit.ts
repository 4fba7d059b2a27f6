import { useCallback, useState, type FormEvent } from 'react';

/** A form's submit: runs `action`, tracks that it is busy, keeps the last error's text. */
export function useSubmit(action: (form: FormData) => Promise<void>, describe: (error: unknown) => string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const onSubmit = useCallback(
    async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (busy) return;
      setBusy(true);
      setError(undefined);
      try {
        await action(new FormData(event.currentTarget));
      } catch (caught) {
        setError(describe(caught));
      } finally {
        setBusy(false);
      }
    },
    [action, busy, describe],
  );
  return { busy, error, setError, onSubmit };
}

export const formText = (form: FormData, name: string) => String(form.get(name) ?? '');
