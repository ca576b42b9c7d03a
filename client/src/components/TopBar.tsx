import type { ReactNode } from 'react';
import { BrandMark } from './Icon.tsx';
import { Link } from './Link.tsx';

/** `wide` over a wide page (a room): the bar's column always matches the page's (APP-29). */
export function TopBar({ children, wide = false }: { children?: ReactNode; wide?: boolean }) {
  const compact = children !== undefined;
  return (
    <header className="topbar">
      <div className={wide ? 'topbar__inner topbar__inner--wide' : 'topbar__inner'}>
        <Link href="/" className={compact ? 'brand brand--compact' : 'brand'} aria-label="Seen — your rooms">
          <BrandMark />
          <span aria-hidden="true">Seen</span>
        </Link>
        {children}
      </div>
    </header>
  );
}
