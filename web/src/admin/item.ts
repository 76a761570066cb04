import { useSyncExternalStore } from 'react';

// Within a section, the item being edited is the address's fragment (`/admin/sites#<id>`,
// `#new`): a link to it is a plain `<a href="#…">`, back and forward follow it, and a reload
// lands on it. Changing section drops it.

const subscribe = (change: () => void) => {
  window.addEventListener('hashchange', change);
  window.addEventListener('popstate', change);
  return () => {
    window.removeEventListener('hashchange', change);
    window.removeEventListener('popstate', change);
  };
};

const current = (): string => decodeURIComponent(window.location.hash.slice(1));

/** The item the address names in the current section ('' for none). */
export function useItem(): string {
  return useSyncExternalStore(subscribe, current);
}

/** Open an item of the section (or, with '', go back to its list), as a new history entry. */
export function openItem(item: string): void {
  if (item) {
    window.location.hash = encodeURIComponent(item);
    return;
  }
  window.history.pushState(null, '', `${window.location.pathname}${window.location.search}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The `href` of an item of the current section. */
export const itemHref = (item: string): string => `#${encodeURIComponent(item)}`;
