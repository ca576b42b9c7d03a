import { startTransition, useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` (for "active 5 minutes ago"), as a transition: nothing urgent. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => startTransition(() => setNow(Date.now())), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
