import type { AnchorHTMLAttributes } from 'react';
import { useLinkHandler } from '../hooks/useLink.ts';

/** A link inside the app: a real <a href> (new tabs, screen readers) that navigates without a reload. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onLink = useLinkHandler();
  return <a {...props} onClick={onLink} />;
}
