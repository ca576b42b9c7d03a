import { describe, expect, it } from 'vitest';
import { loadEditingTrace, waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

// Real human typing when the `automerge-paper` trace is beside the repository (as for `pnpm bench`),
// otherwise a seeded synthetic trace with the same mix of inserts and deletes (shared/testing/editingTraces.ts).
const KEYSTROKES = 3_000;
/** Room for both 20 s waits below on a busy machine (3,000 encrypted round trips; ~2 s when quiet). */
const TEST_BUDGET_MS = 60_000;
const trace = loadEditingTrace(KEYSTROKES);
console.info(`SYNC-22 replays ${trace.name}`);

const harness = createSyncHarness();

describe('a real editing trace through the encrypted relay (SPEC SYNC-22)', () => {
  it(`SYNC-22: 3,000 keystrokes from ${trace.name} (inserts and deletes), one update each, arrive exactly at the partner`, async () => {
    const { patches } = trace;
    let expected = '';
    for (const [position, deleteCount, insert] of patches) {
      expected = expected.slice(0, position) + insert + expected.slice(position + deleteCount);
    }
    // One writer typing fast: raise the per-socket write rate the relay allows a human.
    const relay = await harness.relay({ limits: { putsPerSecond: 50_000, putBurst: 50_000 } });
    const secret = generateRoomSecret();
    const author = harness.open(relay.wsUrl, secret);
    const reader = harness.open(relay.wsUrl, secret);
    await Promise.all([author.whenSynced(), reader.whenSynced()]);
    const text = author.doc.getText('answer');
    for (const [position, deleteCount, insert] of patches) {
      author.doc.transact(() => {
        if (deleteCount > 0) text.delete(position, deleteCount);
        if (insert.length > 0) text.insert(position, insert);
      });
    }
    expect(text.toString()).toBe(expected);
    await waitFor(() => reader.doc.getText('answer').toString() === expected, { timeoutMs: 20_000, what: 'the partner to have the whole text' });
    await waitFor(() => author.getStatus().pendingAcks === 0, { timeoutMs: 20_000, what: 'every keystroke acknowledged' });
    // A device that joins later rebuilds the same text from the relay alone.
    const late = harness.open(relay.wsUrl, secret);
    await late.whenSynced();
    expect(late.doc.getText('answer').toString()).toBe(expected);
  }, TEST_BUDGET_MS);
});
