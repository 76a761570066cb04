import { useEffect, useRef, useSyncExternalStore } from 'react';

/**
 * Keyboard shortcuts: each page registers the keys of its frequent actions with a catalog
 * key describing them; the help overlay (`?`) lists what the current page offers.
 * Keys are single characters (`j`, `r`, `E` for shift+e) or `mod+Enter` (Ctrl or ⌘).
 * Single-key shortcuts are ignored while the agent types in a field.
 */
export interface Shortcut {
  key: string;
  /** Catalog key of what it does, shown in the help overlay. */
  label: string;
}

interface Registered extends Shortcut {
  run: () => void;
}

const active = new Set<Registered>();
const listeners = new Set<() => void>();
let snapshot: Shortcut[] = [];

function changed(): void {
  snapshot = [...active].map(({ key, label }) => ({ key, label }));
  for (const l of listeners) l();
}

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

function keyOf(event: KeyboardEvent): string {
  if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') return 'mod+Enter';
  if (event.ctrlKey || event.metaKey || event.altKey) return '';
  return event.key;
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (event) => {
    const key = keyOf(event);
    if (!key) return;
    if (key !== 'mod+Enter' && key !== 'Escape' && typing(event.target)) return;
    // The latest registration of a key wins: a dialog's keys over its page's.
    const match = [...active].reverse().find((s) => s.key === key);
    if (!match) return;
    event.preventDefault();
    match.run();
  });
}

/** Registers a shortcut while the component is mounted. */
export function useShortcut(key: string, label: string, run: () => void, enabled = true): void {
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    if (!enabled) return;
    install();
    const entry: Registered = { key, label, run: () => latest.current() };
    active.add(entry);
    changed();
    return () => {
      active.delete(entry);
      changed();
    };
  }, [key, label, enabled]);
}

/** The shortcuts registered now, for the help overlay. */
export function useShortcuts(): Shortcut[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => snapshot,
  );
}
