import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FRAME, parseRelayFrame } from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { generateRoomSecret, createSyncHarness } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';

const harness = createSyncHarness();
const { open } = harness;
const typeWords = (session: RoomSessionInternals, prefix: string, count: number): void => {
  const map = session.doc.getMap('words');
  for (let i = 0; i < count; i++) map.set(`${prefix}${i}`, i);
};
const settled = (session: RoomSessionInternals): Promise<void> =>
  waitFor(() => session.getStatus().pendingAcks === 0, { what: 'all writes acknowledged', timeoutMs: 10_000 });

describe('compaction (snapshots) over the real relay', () => {
  it('SYNC-5: a client uploads a snapshot past the threshold; a late joiner loads snapshot + tail and sees everything', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret, { compactAfter: 50, compactJitterMs: 0 });
    await alice.whenSynced();
    typeWords(alice, 'a', 80);
    await waitFor(() => alice.engine.snapshotsSent === 1, { what: 'a snapshot' });
    await settled(alice);
    typeWords(alice, 'tail', 5);
    await settled(alice);
    const proxy = await harness.proxy(relay);
    const late = open(proxy.wsUrl, secret, { compactAfter: 10_000 });
    await late.whenSynced();
    expect(late.doc.getMap('words').size).toBe(85);
    const served = proxy.frames.filter((frame) => frame.direction === 'to-client' && frame.bytes[0] === FRAME.ENV);
    // One snapshot instead of 85 updates, plus the updates after its coverage.
    expect(served.length).toBeLessThan(40);
  });

  it('SYNC-6: two concurrent snapshots at the same coverage lose nothing', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret, { compactAfter: 10_000 });
    const sam = open(relay.wsUrl, secret, { compactAfter: 10_000 });
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    typeWords(alice, 'a', 20);
    typeWords(sam, 's', 20);
    await Promise.all([settled(alice), settled(sam)]);
    await waitFor(() => alice.doc.getMap('words').size === 40 && sam.doc.getMap('words').size === 40, { what: 'both see 40' });
    alice.engine.compactNow();
    sam.engine.compactNow();
    await Promise.all([settled(alice), settled(sam)]);
    // Different coverage next time: one more edit, then only Alice compacts again.
    typeWords(sam, 'late', 1);
    await settled(sam);
    await waitFor(() => alice.doc.getMap('words').size === 41, { what: 'alice sees late' });
    alice.engine.compactNow();
    sam.engine.compactNow();
    await Promise.all([settled(alice), settled(sam)]);
    const joiner = open(relay.wsUrl, secret);
    await joiner.whenSynced();
    expect(joiner.doc.getMap('words').toJSON()).toEqual(alice.doc.getMap('words').toJSON());
    expect(joiner.doc.getMap('words').size).toBe(41);
  });

  it('SYNC-7: an update that races a snapshot survives the next join', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret, { compactAfter: 10_000 });
    const sam = open(relay.wsUrl, secret, { compactAfter: 10_000 });
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    typeWords(alice, 'a', 10);
    await settled(alice);
    await waitFor(() => sam.doc.getMap('words').size === 10, { what: 'sam sees 10' });
    // Same tick: Sam's edit is in flight while Alice computes a snapshot without it.
    sam.doc.getMap('words').set('racer', 1);
    alice.engine.compactNow();
    await Promise.all([settled(alice), settled(sam)]);
    const joiner = open(relay.wsUrl, secret);
    await joiner.whenSynced();
    expect(joiner.doc.getMap('words').get('racer')).toBe(1);
    expect(joiner.doc.getMap('words').size).toBe(11);
  });

  it('SYNC-8: a snapshot from the relay is applied without any Yjs merge of the whole log', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const doc = new Y.Doc();
    const alice = open(relay.wsUrl, secret, { doc, compactAfter: 10_000 });
    await alice.whenSynced();
    doc.getText('answer').insert(0, 'x'.repeat(100));
    doc.getText('answer').delete(0, 50);
    await settled(alice);
    alice.engine.compactNow();
    await settled(alice);
    const proxy = await harness.proxy(relay);
    const joiner = open(proxy.wsUrl, secret);
    await joiner.whenSynced();
    expect(joiner.doc.getText('answer').toString()).toBe('x'.repeat(50));
    const kinds = proxy.frames
      .filter((frame) => frame.direction === 'to-client')
      .map((frame) => parseRelayFrame(frame.bytes))
      .flatMap((parsed) => (parsed.ok ? [parsed.value.kind] : []));
    expect(kinds.filter((kind) => kind === FRAME.ENV)).toHaveLength(1);
  });
});
