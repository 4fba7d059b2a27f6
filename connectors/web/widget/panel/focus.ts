/**
 * Keeps keyboard focus inside the open panel (WCAG 2.4.3, 2.1.2 with a way out): Tab from the last
 * control goes to the first, Shift+Tab from the first to the last, Escape closes.
 */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]):not([hidden]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusables(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((node) => !node.hidden && node.getClientRects().length > 0);
}

export function trapFocus(container: HTMLElement, root: ShadowRoot, onEscape: () => void): void {
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== 'Tab') return;
    const nodes = focusables(container);
    if (nodes.length === 0) return;
    const first = nodes[0]!;
    const last = nodes[nodes.length - 1]!;
    const active = root.activeElement;
    if (event.shiftKey && (active === first || !container.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !container.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  });
}

/** Focus on the first field to type in, else the first control. */
export function focusFirst(container: HTMLElement): void {
  const nodes = focusables(container);
  (nodes.find((node) => node instanceof HTMLTextAreaElement || node instanceof HTMLInputElement || node instanceof HTMLSelectElement) ?? nodes[0])?.focus();
}
