// A tiny History-API router: the app has five screens, which does not warrant a dependency.
// Paths: /  /new  /join  /r/<roomId>  /r/<roomId>/history  /r/<roomId>/room

export type RoomTab = 'session' | 'history' | 'room';

export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'new' }
  | { readonly name: 'join' }
  | { readonly name: 'room'; readonly roomId: string; readonly tab: RoomTab }
  | { readonly name: 'not-found' };

const TAB_SEGMENTS: Readonly<Record<string, RoomTab>> = { '': 'session', history: 'history', room: 'room' };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/new') return { name: 'new' };
  if (path === '/join') return { name: 'join' };
  const match = /^\/r\/([A-Za-z0-9_-]{4,64})(?:\/([a-z]+))?$/.exec(path);
  if (match?.[1]) {
    const tab = TAB_SEGMENTS[match[2] ?? ''];
    if (tab) return { name: 'room', roomId: match[1], tab };
  }
  return { name: 'not-found' };
}

export function roomPath(roomId: string, tab: RoomTab = 'session'): string {
  return tab === 'session' ? `/r/${roomId}` : `/r/${roomId}/${tab}`;
}

const listeners = new Set<() => void>();

export function subscribeToLocation(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
  if (!options.replace) window.scrollTo({ top: 0 });
}
