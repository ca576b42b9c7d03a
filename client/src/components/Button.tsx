import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';

type Variant = 'primary' | 'secondary' | 'quiet' | 'danger' | 'danger-solid';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  small?: boolean;
  block?: boolean;
  icon?: IconName;
  children: ReactNode;
}

export function buttonClass({ variant = 'secondary', small, block }: { variant?: Variant; small?: boolean; block?: boolean }): string {
  return ['button', variant !== 'secondary' && `button--${variant}`, small && 'button--small', block && 'button--block'].filter(Boolean).join(' ');
}

export function Button({ variant, small, block, icon, children, className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button type={type} className={[buttonClass({ variant, small, block }), className].filter(Boolean).join(' ')} {...rest}>
      {icon && <Icon name={icon} />}
      {children}
    </button>
  );
}
