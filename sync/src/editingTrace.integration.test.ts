import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

// Real human typing instead of synthetic keystrokes: the first part of Martin Kleppmann's
// `automerge-paper` history from Joseph Gentle's editing-traces collection (CC BY 4.0), which sits
// beside the repository in ../shared/data/editing-traces (on every developer machine and in CI).
const TRACE_URL = new URL('../../../shared/data/editing-traces/automerge-paper.json.gz', import.meta.url);
const KEYSTROKES = 3_000;

type Patch = [position: number, deleteCount: number, insert: string];
interface SequentialTrace {
  readonly txns: readonly { readonly patches: readonly Patch[] }[];
}

function loadPatches(count: number): Patch[] {
  const trace = JSON.parse(gunzipSync(readFileSync(TRACE_URL)).toString('utf8')) as SequentialTrace;
  return trace.txns.flatMap((txn) => txn.patches).slice(0, count);
}

const harness = createSyncHarness();

describe('a real editing trace through the encrypted relay (SPEC SYNC-22)', () => {
  it('SYNC-22: 3,000 real keystrokes (inserts and deletes), one update each, arrive exactly at the partner', async () => {
    const patches = loadPatches(KEYSTROKES);
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
  });
});
