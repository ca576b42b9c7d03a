import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';

type Tone = 'info' | 'warn' | 'error' | 'invite';
const ICONS: Record<Tone, IconName> = { info: 'info', warn: 'alert', error: 'alert', invite: 'layers' };

export function Notice({
  tone = 'info',
  title,
  children,
  actions,
  icon,
  live,
}: {
  tone?: Tone;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  icon?: IconName;
  /** Announce to screen readers when it appears (errors: assertive). */
  live?: boolean;
}) {
  return (
    <div className={`notice notice--${tone}`} role={live ? (tone === 'error' ? 'alert' : 'status') : undefined}>
      <Icon name={icon ?? ICONS[tone]} className="notice__icon" />
      <div className="notice__body">
        <p className="notice__title">{title}</p>
        {children && <div className="muted">{children}</div>}
        {actions && <div className="row">{actions}</div>}
      </div>
    </div>
  );
}
