import { useEffect, type RefObject } from 'react';

/** An editor opened from a list comes into view with its first field focused, even below a long list. */
export function useEditorInView(form: RefObject<HTMLFormElement | null>, editing: boolean): void {
  useEffect(() => {
    if (!editing) return;
    form.current?.scrollIntoView({ block: 'start' });
    form.current?.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
  }, [form, editing]);
}
