/** Processes to SIGKILL if this process exits while they still run: none may outlive a test run or a bench. */
const livePids = new Set<number>();
let exitHookInstalled = false;

/**
 * Kills `pid` when this process exits (an error, a forgotten stop) unless the returned function was
 * called first, once the process is gone.
 */
export function killOnExit(pid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const live of livePids) {
        try {
          process.kill(live, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
  livePids.add(pid);
  return () => livePids.delete(pid);
}
