import { useSyncExternalStore } from 'react';
import { parseRoute, subscribeToLocation, type Route } from '../app/router.ts';

const getPathname = () => window.location.pathname;

export function useRoute(): Route {
  const pathname = useSyncExternalStore(subscribeToLocation, getPathname);
  return parseRoute(pathname);
}
