/**
 * Runs `task` at an idle moment of the page (at the latest after `timeoutMs`), or after
 * `fallbackMs` where the browser has no idle callback (Safari). Returns a cancel.
 */
export function runWhenIdle(task: () => void, timeoutMs: number, fallbackMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(task, fallbackMs);
  return () => clearTimeout(timer);
}
