import { describe, expect, it } from 'vitest';
import { FRAME } from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';

// Rapid local updates become one envelope (SPEC SYNC-24), while what the others look at now leaves
// at once, after everything typed before it.

const harness = createSyncHarness();
const TYPING = 'typing';
const SHARE = 'share';
/** Long enough that nothing in a test leaves by the clock unless the test says so. */
const LONG_WINDOW_MS = 60_000;
/** How long the write loop runs. */
const LOOP_MS = 1_000;
const windowByOrigin = (origin: unknown): number => (origin === TYPING ? LONG_WINDOW_MS : 0);

const putsFrom = (frames: readonly { direction: string; bytes: Uint8Array }[]): number =>
  frames.filter((frame) => frame.direction === 'to-relay' && frame.bytes[0] === FRAME.PUT).length;

function typeInto(session: RoomSessionInternals, text: string): void {
  const draft = session.doc.getText('draft');
  for (const char of text) session.doc.transact(() => draft.insert(draft.length, char), TYPING);
}

/** Alex behind a frame-counting proxy with `coalesceWindow`, Sam straight on the relay; both synced. */
async function openPair(coalesceWindow: (origin: unknown) => number) {
  const relay = await harness.relay();
  const proxy = await harness.proxy(relay);
  const secret = generateRoomSecret();
  const alex = harness.open(proxy.wsUrl, secret, { coalesceWindow });
  const sam = harness.open(relay.wsUrl, secret);
  await Promise.all([alex.whenSynced(), sam.whenSynced()]);
  return { proxy, secret, alex, sam };
}

describe('merging rapid local updates (SPEC SYNC-24)', () => {
  it('SYNC-24: a typing burst leaves as one envelope; a shared answer leaves at once and takes the burst along, in order', async () => {
    const { proxy, alex, sam } = await openPair(windowByOrigin);
    const before = putsFrom(proxy.frames);
    typeInto(alex, 'I feel seen when you listen.');
    // Nothing has left yet: the burst waits for its window (the status says it is not saved).
    expect(putsFrom(proxy.frames)).toBe(before);
    expect(alex.getStatus().saved).toBe(false);
    expect(alex.getStatus().pendingAcks).toBe(1);
    // Sharing is something the partner is looking at: it leaves now, after the typing.
    alex.doc.transact(() => alex.doc.getMap('answers').set('alex', 'shared'), SHARE);
    await alex.whenSaved();
    expect(alex.getStatus().saved).toBe(true);
    expect(putsFrom(proxy.frames) - before).toBe(1);
    await waitFor(() => sam.doc.getMap('answers').get('alex') === 'shared', { what: 'the share' });
    expect(sam.doc.getText('draft').toString()).toBe('I feel seen when you listen.');
  });

  it('SYNC-24: the burst leaves by itself when its window ends, and flush() sends it sooner', async () => {
    const shortWindow = 30;
    const { proxy, secret, alex, sam } = await openPair((origin) => (origin === TYPING ? shortWindow : 0));
    const before = putsFrom(proxy.frames);
    typeInto(alex, 'abc');
    await alex.whenSaved();
    expect(putsFrom(proxy.frames) - before).toBe(1);
    await waitFor(() => sam.doc.getText('draft').toString() === 'abc', { what: 'the burst at the partner' });

    const patient = harness.open(proxy.wsUrl, secret, { coalesceWindow: windowByOrigin });
    await patient.whenSynced();
    const beforeFlush = putsFrom(proxy.frames);
    typeInto(patient, 'def');
    expect(patient.getStatus().saved).toBe(false);
    patient.flush();
    await patient.whenSaved();
    expect(putsFrom(proxy.frames) - beforeFlush).toBe(1);
    await waitFor(() => sam.doc.getText('draft').toString().length === 6, { what: 'the flushed burst at the partner' });
  });

  it('SYNC-24: a burst still waiting when the connection drops is sent once after reconnecting, not twice', async () => {
    const { proxy, alex, sam } = await openPair(windowByOrigin);
    typeInto(alex, 'offline words');
    const before = putsFrom(proxy.frames);
    alex.reconnect();
    await alex.whenSaved();
    await waitFor(() => sam.doc.getText('draft').toString() === 'offline words', { what: 'the words at the partner' });
    // The reconnect's reconcile carried the burst; the merge buffer did not send it again.
    expect(putsFrom(proxy.frames) - before).toBe(1);
  });

  it('SYNC-24: the default window keeps a program writing in a loop under the relay’s write rate', async () => {
    // 20 writes a second, 20 at once: a loop writing every few milliseconds for a second would be
    // closed for RATE_LIMITED within its first 100 ms if every update were an envelope.
    const relay = await harness.relay({ limits: { putsPerSecond: 20, putBurst: 20 } });
    const secret = generateRoomSecret();
    // The library default (40 ms), not the harness's one-envelope-per-update setting.
    const writer = harness.open(relay.wsUrl, secret, { coalesceWindow: undefined });
    await writer.whenSynced();
    let closedForRate = false;
    writer.subscribe(() => {
      if (writer.getStatus().offlineReason === 'rate-limited') closedForRate = true;
    });
    const counter = writer.doc.getMap('counter');
    const started = Date.now();
    let written = 0;
    while (Date.now() - started < LOOP_MS) {
      counter.set('n', written++);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await writer.whenSaved();
    expect(closedForRate).toBe(false);
    const reader = harness.open(relay.wsUrl, secret);
    await reader.whenSynced();
    expect(reader.doc.getMap('counter').get('n')).toBe(written - 1);
  });
});

describe('session controls (SPEC SYNC-24)', () => {
  it('SYNC-24: disconnect() stays offline with edits kept; connect() sends them; whenSynced() resolves again', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alex = harness.open(relay.wsUrl, secret);
    const sam = harness.open(relay.wsUrl, secret);
    await Promise.all([alex.whenSynced(), sam.whenSynced()]);
    alex.disconnect();
    await waitFor(() => alex.getStatus().phase === 'offline', { what: 'offline' });
    alex.doc.getText('draft').insert(0, 'kept');
    alex.connect();
    await alex.whenSynced();
    await alex.whenSaved();
    await waitFor(() => sam.doc.getText('draft').toString() === 'kept', { what: 'the offline edit at the partner' });
  });

  it('SYNC-5: compact() uploads a snapshot now, and a late joiner loads it', async () => {
    const relay = await harness.relay();
    const proxy = await harness.proxy(relay);
    const secret = generateRoomSecret();
    const alex = harness.open(relay.wsUrl, secret);
    await alex.whenSynced();
    for (let i = 0; i < 30; i++) alex.doc.getMap('words').set(`w${i}`, i);
    await alex.whenSaved();
    alex.compact();
    await waitFor(() => alex.engine.snapshotsSent === 1, { what: 'a snapshot' });
    await alex.whenSaved();
    const late = harness.open(proxy.wsUrl, secret);
    await late.whenSynced();
    expect(late.doc.getMap('words').size).toBe(30);
    const served = proxy.frames.filter((frame) => frame.direction === 'to-client' && frame.bytes[0] === FRAME.ENV);
    expect(served).toHaveLength(1);
  });
});
