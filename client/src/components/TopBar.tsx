import type { ReactNode } from 'react';
import { BrandMark } from './Icon.tsx';
import { Link } from './Link.tsx';

export function TopBar({ children }: { children?: ReactNode }) {
  const compact = children !== undefined;
  return (
    <header className="topbar">
      <div className="topbar__inner">
        <Link href="/" className={compact ? 'brand brand--compact' : 'brand'} aria-label="Seen — your rooms">
          <BrandMark />
          <span aria-hidden="true">Seen</span>
        </Link>
        {children}
      </div>
    </header>
  );
}
