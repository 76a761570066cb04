import { useEffect, useState } from 'react';

/** The app's addresses. Every page has its own, so a link or a reload lands on it. */
export type Route =
  | { page: 'inbox' }
  | { page: 'conversation'; id: string }
  | { page: 'queues' }
  | { page: 'agents' }
  | { page: 'planning' }
  | { page: 'admin'; section: string | undefined };

export function routeOf(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  const [first, second] = parts;
  if (first === 'conversations' && second) return { page: 'conversation', id: decodeURIComponent(second) };
  if (first === 'queues') return { page: 'queues' };
  if (first === 'agents') return { page: 'agents' };
  if (first === 'planning') return { page: 'planning' };
  if (first === 'admin') return { page: 'admin', section: second };
  return { page: 'inbox' };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'conversation':
      return `/conversations/${encodeURIComponent(route.id)}`;
    case 'queues':
      return '/queues';
    case 'agents':
      return '/agents';
    case 'planning':
      return '/planning';
    case 'admin':
      return route.section ? `/admin/${route.section}` : '/admin';
    default:
      return '/';
  }
}

const CHANGED = 'relais:navigate';

/** Go to a page of the app without a reload; `?lang=` and the rest of the query stay. */
export function navigate(route: Route): void {
  window.history.pushState(null, '', `${pathOf(route)}${window.location.search}`);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current page, following links, navigate() and the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.pathname));
  useEffect(() => {
    const follow = () => setRoute(routeOf(window.location.pathname));
    window.addEventListener('popstate', follow);
    window.addEventListener(CHANGED, follow);
    return () => {
      window.removeEventListener('popstate', follow);
      window.removeEventListener(CHANGED, follow);
    };
  }, []);
  return route;
}

/** An in-app link: a real `<a href>` (open in a new tab works), followed without a reload. */
export function follow(route: Route) {
  return (event: { preventDefault(): void; metaKey?: boolean; ctrlKey?: boolean; button?: number }) => {
    if (event.metaKey || event.ctrlKey || (event.button ?? 0) !== 0) return;
    event.preventDefault();
    navigate(route);
  };
}
