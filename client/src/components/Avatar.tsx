export function Avatar({ name, partner, small }: { name: string; partner?: boolean; small?: boolean }) {
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?';
  return (
    <span className={['avatar', partner && 'avatar--partner', small && 'avatar--small'].filter(Boolean).join(' ')} aria-hidden="true">
      {initial}
    </span>
  );
}
