import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { waitFor } from '@seen/shared/testing';
import { answerText, generateRoomSecret, createSyncHarness } from './testing/testSession.ts';

const harness = createSyncHarness();
const { open } = harness;

describe('room session over the real relay', () => {
  it('SYNC-2: two partners sync live', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    alice.doc.getText('answer').insert(0, 'hello from alice');
    await waitFor(() => answerText(sam.doc) === 'hello from alice', { what: 'sam to see the edit' });
    sam.doc.getText('answer').insert(0, 'sam: ');
    await waitFor(() => answerText(alice.doc) === 'sam: hello from alice', { what: 'alice to see the edit' });
    await waitFor(() => alice.getStatus().pendingAcks === 0 && sam.getStatus().pendingAcks === 0, { what: 'acks' });
    expect(alice.getStatus().phase).toBe('synced');
    expect(alice.getStatus().partnerLastActiveAt).not.toBeNull();
  });

  it('SYNC-3: a cold join with the partner offline syncs from the log alone', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    await alice.whenSynced();
    alice.doc.getText('answer').insert(0, 'written on tuesday');
    await waitFor(() => alice.getStatus().pendingAcks === 0, { what: 'ack' });
    alice.destroy();
    const sam = open(relay.wsUrl, secret);
    await sam.whenSynced();
    expect(sam.provider.synced).toBe(true);
    expect(answerText(sam.doc)).toBe('written on tuesday');
  });

  it('SYNC-4: an offline edit, including a delete-only edit, reaches the partner after reconnect', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const aliceDoc = new Y.Doc();
    let alice = open(relay.wsUrl, secret, { doc: aliceDoc });
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    aliceDoc.getText('answer').insert(0, 'keep this, drop this');
    await waitFor(() => answerText(sam.doc) === 'keep this, drop this', { what: 'first edit' });
    alice.destroy();
    // Offline: a delete-only edit leaves the state vector unchanged, so a state-vector diff alone would miss it.
    aliceDoc.getText('answer').delete(9, 11);
    expect(aliceDoc.getText('answer').toString()).toBe('keep this');
    alice = open(relay.wsUrl, secret, { doc: aliceDoc });
    await alice.whenSynced();
    await waitFor(() => answerText(sam.doc) === 'keep this', { what: 'the deletion to arrive' });
  });

  it('SYNC-21: a long backlog notifies status listeners once at its end, not once per envelope', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const writer = open(relay.wsUrl, secret);
    await writer.whenSynced();
    for (let i = 0; i < 200; i++) writer.doc.getMap('m').set(`k${i}`, i);
    await waitFor(() => writer.getStatus().pendingAcks === 0, { what: 'acks' });
    const reader = open(relay.wsUrl, secret, { compactAfter: 10_000 });
    let notifications = 0;
    reader.subscribe(() => notifications++);
    await reader.whenSynced();
    expect(reader.doc.getMap('m').size).toBe(200);
    // connecting, ready, backlog end, synced and a few more — never one per stored envelope.
    expect(notifications).toBeLessThan(20);
  });
});
