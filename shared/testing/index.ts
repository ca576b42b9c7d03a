// Test-only helpers shared by every package's tests (never imported by product code).

/** Polls `check` until it returns true, at most `timeoutMs`. No fixed sleeps in tests. */
export async function waitFor(check: () => boolean, options: { timeoutMs?: number; what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A deterministic PRNG (mulberry32) for seeded fuzzing. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
