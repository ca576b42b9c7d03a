import { useCallback, type MouseEvent } from 'react';
import { navigate } from '../app/router.ts';

/** An onClick for <a href> that navigates in-app (keeping real links for new tabs and screen readers). */
export function useLinkHandler(): (event: MouseEvent<HTMLAnchorElement>) => void {
  return useCallback((event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const href = event.currentTarget.getAttribute('href');
    if (!href || !href.startsWith('/')) return;
    event.preventDefault();
    navigate(href);
  }, []);
}
