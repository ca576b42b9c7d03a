// Small line icons drawn for Seen (no icon font, no emoji: they render the same everywhere).
const PATHS = {
  mark: 'M9.5 12a5.5 5.5 0 1 0 11 0 5.5 5.5 0 1 0-11 0M3.5 12a5.5 5.5 0 1 0 11 0 5.5 5.5 0 1 0-11 0',
  chevron: 'M9 5l7 7-7 7',
  back: 'M15 5l-7 7 7 7',
  plus: 'M12 5v14M5 12h14',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  qr: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  eye: 'M2.5 12s3.5-6.5 9.5-6.5S21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12zM12 9.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 1 0 0-5',
  heart: 'M12 20s-7.5-4.6-7.5-10A4.3 4.3 0 0 1 12 7.3 4.3 4.3 0 0 1 19.5 10c0 5.4-7.5 10-7.5 10z',
  hands: 'M7 13l3.5-3.5a1.8 1.8 0 0 1 2.5 0L14 10.5M4 11l3-3 3 1 3-2.5 3.5 1L20 11M7 13l-2 2 4 4 2-1.5M14 10.5l3.5 3.5a1.6 1.6 0 0 1-2.3 2.3L13 14M15.2 16.3l-1.5 1.5a1.4 1.4 0 0 1-2-2',
  chat: 'M5 5h14v10H10l-4 4v-4H5z',
  hug: 'M12 8.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 1 0 0 5M5 13c2 2.5 4.5 3.5 7 3.5s5-1 7-3.5M7 11.5c1.5-1.5 3-2 5-2s3.5.5 5 2M8 20.5l1.5-4M16 20.5l-1.5-4',
  sparkle: 'M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5L18 18M6 18l2.5-2.5M15.5 8.5L18 6',
  arrowRight: 'M5 12h14M13 6l6 6-6 6',
  cloudOff: 'M3 3l18 18M8 8.5A4.5 4.5 0 0 0 6.5 17H17M19.5 15.5A3.5 3.5 0 0 0 16.5 10 5.5 5.5 0 0 0 10.7 6.2',
  alert: 'M12 4l9 16H3zM12 10v4.5M12 17.3v.2',
  bell: 'M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15zM10 20.5a2 2 0 0 0 4 0',
  info: 'M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18M12 11v5.5M12 7.7v.2',
  download: 'M12 4v11M7 10.5l5 5 5-5M5 20h14',
  door: 'M14 4H6v16h8M10 12h10M17 9l3 3-3 3',
  trash: 'M4 7h16M9 7V4.5h6V7M6.5 7l1 13h9l1-13',
  pass: 'M5 12h11M12 7l5 5-5 5M20 5v14',
  layers: 'M12 4l9 4.5-9 4.5-9-4.5zM3 13l9 4.5 9-4.5M3 17.5L12 22l9-4.5',
  history: 'M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5M12 8v4.5l3 2',
  pen: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  users: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 1 0 0 7M2.5 20c.5-3.5 3-5.5 6.5-5.5s6 2 6.5 5.5M16 4.3a3.5 3.5 0 0 1 0 6.4M18 14.7c2 .7 3.2 2.5 3.5 5.3',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className, label }: { name: IconName; className?: string; label?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

export function BrandMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 48 48" className={className} aria-hidden="true" focusable="false">
      <rect width="48" height="48" rx="14" fill="var(--accent)" />
      <circle cx="19" cy="24" r="8.5" fill="none" stroke="var(--surface)" strokeWidth="3" />
      <circle cx="29" cy="24" r="8.5" fill="none" stroke="var(--surface)" strokeWidth="3" />
    </svg>
  );
}
