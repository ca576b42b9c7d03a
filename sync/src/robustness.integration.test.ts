import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectRawClient, type RawClient } from '@seen/server/testing';
import { waitFor } from '@seen/shared/testing';
import { generateRoomSecret, createSyncHarness } from './testing/testSession.ts';

const harness = createSyncHarness();
const { open } = harness;
const raws: RawClient[] = [];
afterEach(() => {
  for (const raw of raws.splice(0)) raw.close();
});

describe('session robustness', () => {
  it('SYNC-17: an authentic but malformed update is caught, reported, and the connection keeps working', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    await alice.whenSynced();
    const partner = await connectRawClient({ wsUrl: relay.wsUrl, secret });
    raws.push(partner);
    await partner.ready;
    partner.put(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02])); // not a Yjs update
    await waitFor(() => alice.getStatus().warnings.length > 0, { what: 'a warning' });
    // A well-formed update afterwards still arrives.
    const other = new Y.Doc();
    other.getText('answer').insert(0, 'still fine');
    partner.put(Y.encodeStateAsUpdate(other));
    await waitFor(() => alice.doc.getText('answer').toString() === 'still fine', { what: 'the good update' });
    expect(alice.getStatus().phase).toBe('synced');
  });

  it('SYNC-18: relay heartbeats feed the provider watchdog while nobody types', async () => {
    const relay = await harness.relay({ limits: { heartbeatMs: 40 } });
    const alice = open(relay.wsUrl, generateRoomSecret());
    await alice.whenSynced();
    const before = alice.provider.wsLastMessageReceived;
    await waitFor(() => alice.provider.wsLastMessageReceived > before, { what: 'a heartbeat to reach the provider' });
    expect(alice.provider.wsconnected).toBe(true);
  });

  it('SYNC-19: the room opens from the device store while the relay is unreachable', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const first = open(relay.wsUrl, secret, { persistence: 'indexeddb' });
    await first.whenSynced();
    first.doc.getText('answer').insert(0, 'kept on this device');
    await waitFor(() => first.getStatus().pendingAcks === 0, { what: 'saved' });
    first.destroy();
    const port = relay.port;
    await relay.close();
    const offline = open(`ws://127.0.0.1:${port}`, secret, { persistence: 'indexeddb' });
    await offline.whenLocalLoaded();
    expect(offline.doc.getText('answer').toString()).toBe('kept on this device');
    offline.doc.getText('answer').insert(0, 'offline: ');
    await waitFor(() => offline.getStatus().phase === 'offline', { what: 'offline status' });
  });

  it('SYNC-20: the provider socket is the encrypting polyfill, never a plain WebSocket', async () => {
    const relay = await harness.relay();
    const alice = open(relay.wsUrl, generateRoomSecret());
    await alice.whenSynced();
    expect(alice.provider._WS.name).toBe('EncryptedSocket');
    expect(alice.provider.ws?.constructor.name).toBe('EncryptedSocket');
  });
});
