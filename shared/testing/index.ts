// Test-only helpers shared by every package's tests (never imported by product code).

/** Polls `check` until it returns true, at most `timeoutMs`. No fixed sleeps in tests. */
export async function waitFor(check: () => boolean, options: { timeoutMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export { createSeededRandom } from './createSeededRandom.ts';
export { EDITING_TRACES_DIRECTORY, applyTrace, generateKeystrokeTrace, loadEditingTrace, type EditingTrace, type TracePatch } from './editingTraces.ts';
