import type { MouseEvent, ReactNode } from 'react';
import { BrandMark } from './Icon.tsx';

export function TopBar({ children, onHome }: { children?: ReactNode; onHome: (event: MouseEvent<HTMLAnchorElement>) => void }) {
  const compact = children !== undefined;
  return (
    <header className="topbar">
      <div className="topbar__inner">
        <a href="/" className={compact ? 'brand brand--compact' : 'brand'} onClick={onHome} aria-label="Seen — your rooms">
          <BrandMark />
          <span aria-hidden="true">Seen</span>
        </a>
        {children}
      </div>
    </header>
  );
}
