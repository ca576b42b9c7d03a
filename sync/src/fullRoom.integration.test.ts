import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadEditingTrace, waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';

// A full room heals itself (SPEC SYNC-23, LOG-11): changes the relay refuses for the room's quota
// wait on the writer's device and leave, in order, once a snapshot (the writer's own or another
// device's) makes room, without a reconnect; the partner and a fresh device end with the writer's
// exact text and no "may be missing" warning.

const harness = createSyncHarness();

/** Writes as fast as the machine allows, so the relay never sees a pause to compact in. */
const UNLIMITED_WRITES = { putsPerSecond: 1e6, putBurst: 1e6 };
/** Tests shorten the first retry of a full room (1 s in the app) so a run takes seconds. */
const QUOTA_RETRY_MS = 50;
const NEVER_COMPACT = Number.MAX_SAFE_INTEGER;
/** Thousands of real envelopes through a real relay: generous, so a busy machine is slow, not red. */
const TEST_BUDGET_MS = 180_000;

/**
 * A real editing history (the `automerge-paper` trace when it is beside the repository, otherwise a
 * seeded synthetic one with its mix of typing and backspacing), typed into one Y.Text at machine
 * speed: one transaction, so one envelope here, per keystroke, the way the editor sends them.
 */
const TRACE = loadEditingTrace(5_000);
console.info(`SYNC-23 types ${TRACE.name}`);

/** Types keystrokes `from`..`from + count` of the trace (the trace's positions assume every earlier one). */
function typeKeystrokes(session: RoomSessionInternals, options: { readonly from: number; readonly count: number }): number {
  const text = session.doc.getText('draft');
  const end = Math.min(options.from + options.count, TRACE.patches.length);
  for (let i = options.from; i < end; i++) {
    const [position, deleteCount, insert] = TRACE.patches[i]!;
    session.doc.transact(() => {
      if (deleteCount > 0) text.delete(position, deleteCount);
      if (insert.length > 0) text.insert(position, insert);
    });
  }
  return end;
}

function watchQuota(session: RoomSessionInternals): { readonly everFull: () => boolean } {
  let full = false;
  session.subscribe(() => {
    if (session.getStatus().quotaExceeded) full = true;
  });
  return { everFull: () => full };
}

const draftOf = (session: RoomSessionInternals): string => session.doc.getText('draft').toString();

async function expectHealed(options: { readonly writer: RoomSessionInternals; readonly others: readonly RoomSessionInternals[]; readonly relayUrl: string; readonly secret: Uint8Array }): Promise<void> {
  const { writer, others } = options;
  await waitFor(() => writer.getStatus().saved, { what: 'every refused change stored', timeoutMs: 30_000 });
  expect(writer.getStatus().quotaExceeded).toBe(false);
  const expected = draftOf(writer);
  for (const other of others) {
    await waitFor(() => draftOf(other) === expected, { what: 'the partner has the writer’s text', timeoutMs: 15_000 });
  }
  const fresh = harness.open(options.relayUrl, options.secret, { compactAfter: NEVER_COMPACT });
  await fresh.whenSynced();
  expect(draftOf(fresh)).toBe(expected);
  // A hole would show after the grace period and one re-read: wait for both to be over.
  for (const session of [...others, fresh]) {
    await waitFor(() => session.engine.integrityIdle, { what: 'integrity checks settled', timeoutMs: 10_000 });
    expect(session.getStatus().warnings).toEqual([]);
  }
}

describe('a full room heals itself (SPEC SYNC-23, LOG-11)', () => {
  it('SYNC-23: 3,000 keystrokes of a real editing trace into a 400 kB room: refused changes are resent in order after the partner’s snapshot, without a reconnect', async () => {
    const relay = await harness.relay({ limits: { ...UNLIMITED_WRITES, roomQuotaBytes: 400_000 } });
    const secret = generateRoomSecret();
    const writer = harness.open(relay.wsUrl, secret, { compactAfter: NEVER_COMPACT, quotaRetryMs: QUOTA_RETRY_MS });
    const partner = harness.open(relay.wsUrl, secret, { compactAfter: 500, compactJitterMs: 10, quotaRetryMs: QUOTA_RETRY_MS });
    await Promise.all([writer.whenSynced(), partner.whenSynced()]);
    const quota = watchQuota(writer);
    let reconnects = 0;
    writer.subscribe(() => {
      if (writer.getStatus().phase === 'offline') reconnects += 1;
    });
    typeKeystrokes(writer, { from: 0, count: 3_000 });
    await expectHealed({ writer, others: [partner], relayUrl: relay.wsUrl, secret });
    expect(quota.everFull()).toBe(true);
    expect(reconnects).toBe(0);
    expect(partner.engine.snapshotsSent).toBeGreaterThan(0);
  }, TEST_BUDGET_MS);

  it('SYNC-23: a writer alone in a full room compacts while its refused changes wait, and they follow the snapshot', async () => {
    const relay = await harness.relay({ limits: { ...UNLIMITED_WRITES, roomQuotaBytes: 150_000 } });
    const secret = generateRoomSecret();
    const writer = harness.open(relay.wsUrl, secret, { compactAfter: NEVER_COMPACT, quotaRetryMs: QUOTA_RETRY_MS });
    await writer.whenSynced();
    const quota = watchQuota(writer);
    const typed = typeKeystrokes(writer, { from: 0, count: 2_000 });
    await waitFor(() => quota.everFull(), { what: 'the room to fill' });
    // The status says so until it is really over, then the writer's own snapshot makes room.
    expect(writer.getStatus().saved).toBe(false);
    await expectHealed({ writer, others: [], relayUrl: relay.wsUrl, secret });
    expect(writer.engine.snapshotsSent).toBeGreaterThan(0);
    // More writing after the heal is stored as usual.
    typeKeystrokes(writer, { from: typed, count: 50 });
    await expectHealed({ writer, others: [], relayUrl: relay.wsUrl, secret });
  }, TEST_BUDGET_MS);

  it('SYNC-23: a room too small for the text itself stays "full" and stores nothing out of order', async () => {
    // Room for about two keystrokes: any snapshot of the first burst is larger than the whole quota.
    const relay = await harness.relay({ limits: { ...UNLIMITED_WRITES, roomQuotaBytes: 600 } });
    const secret = generateRoomSecret();
    const writer = harness.open(relay.wsUrl, secret, { compactAfter: NEVER_COMPACT, quotaRetryMs: QUOTA_RETRY_MS });
    const partner = harness.open(relay.wsUrl, secret, { compactAfter: NEVER_COMPACT, gapGraceMs: 100 });
    await Promise.all([writer.whenSynced(), partner.whenSynced()]);
    // The first burst overflows the room; one snapshot carries it all (snapshots are how a room
    // makes room, so they are exempt), and then the room holds nothing a snapshot could free.
    const typed = typeKeystrokes(writer, { from: 0, count: 1_000 });
    await waitFor(() => writer.getStatus().saved, { what: 'the first burst stored in a snapshot', timeoutMs: 15_000 });
    expect(writer.engine.snapshotsSent).toBe(1);
    const storedText = draftOf(writer);
    typeKeystrokes(writer, { from: typed, count: 20 });
    await waitFor(() => writer.getStatus().quotaExceeded, { what: 'the room to be full' });
    const probes = writer.engine.quotaProbes;
    await waitFor(() => writer.engine.quotaProbes >= probes + 3, { what: 'three more retries', timeoutMs: 10_000 });
    // Still full, no second snapshot, and the partner holds exactly what was stored, with no hole.
    expect(writer.getStatus().quotaExceeded).toBe(true);
    expect(writer.getStatus().saved).toBe(false);
    expect(writer.engine.snapshotsSent).toBe(1);
    await waitFor(() => draftOf(partner) === storedText, { what: 'the partner has what was stored' });
    await waitFor(() => partner.engine.integrityIdle, { what: 'integrity checks settled', timeoutMs: 10_000 });
    expect(partner.getStatus().warnings).toEqual([]);
  }, TEST_BUDGET_MS);

  it('SYNC-23 (property, pinned seed): for any quota and typing bursts, the partner and a fresh device converge to the writer’s text with no warning', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          quota: fc.integer({ min: 60_000, max: 300_000 }),
          bursts: fc.array(fc.integer({ min: 50, max: 900 }), { minLength: 1, maxLength: 4 }),
          partnerCompacts: fc.boolean(),
        }),
        async ({ quota, bursts, partnerCompacts }) => {
          const relay = await harness.relay({ limits: { ...UNLIMITED_WRITES, roomQuotaBytes: quota } });
          const secret = generateRoomSecret();
          const writer = harness.open(relay.wsUrl, secret, { compactAfter: NEVER_COMPACT, quotaRetryMs: QUOTA_RETRY_MS });
          const partner = harness.open(relay.wsUrl, secret, {
            compactAfter: partnerCompacts ? 300 : NEVER_COMPACT,
            compactJitterMs: 10,
            quotaRetryMs: QUOTA_RETRY_MS,
          });
          await Promise.all([writer.whenSynced(), partner.whenSynced()]);
          let typed = 0;
          for (const count of bursts) {
            typed = typeKeystrokes(writer, { from: typed, count });
            await waitFor(() => writer.getStatus().pendingAcks === 0 || writer.getStatus().quotaExceeded, { what: 'the burst answered', timeoutMs: 20_000 });
          }
          await expectHealed({ writer, others: [partner], relayUrl: relay.wsUrl, secret });
        },
      ),
      { numRuns: 6, seed: 20261201 },
    );
  }, TEST_BUDGET_MS);
});
