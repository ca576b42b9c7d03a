import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage, startRelay, type RunningRelay } from '@seen/server/testing';
import { generateDeviceKeyPair } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

const harness = createSyncHarness();
const { open } = harness;
const relays: RunningRelay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.close();
});

describe('close codes and reconnection (SPEC SYNC-12)', () => {
  it('SYNC-12: a permanent refusal (sealed room) stops reconnecting and says why', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    await alice.whenSynced();
    await alice.seal();
    expect(alice.getStatus().sealed).toBe(true);
    const stranger = open(relay.wsUrl, secret, { device: generateDeviceKeyPair() });
    await waitFor(() => stranger.getStatus().phase === 'refused', { what: 'refusal' });
    expect(stranger.getStatus().refusal).toBe('sealed');
    expect(stranger.provider.shouldConnect).toBe(false);
  });

  it('SYNC-13: a deleted room is refused with its reason on every device', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alice = open(relay.wsUrl, secret);
    const sam = open(relay.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    await alice.deleteRoom();
    await waitFor(() => sam.getStatus().phase === 'refused', { what: 'sam refused' });
    expect(sam.getStatus().refusal).toBe('deleted');
    expect(alice.getStatus().refusal).toBe('deleted');
  });

  it('SYNC-14: a relay restart is transient: clients reconnect, and edits made meanwhile arrive', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-restart-'));
    const storagePath = join(dataDir, 'relay.sqlite');
    const first = await startRelay({ storage: createSqliteStorage({ path: storagePath }), port: 0 });
    const secret = generateRoomSecret();
    const alice = open(first.wsUrl, secret);
    const sam = open(first.wsUrl, secret);
    await Promise.all([alice.whenSynced(), sam.whenSynced()]);
    alice.doc.getText('answer').insert(0, 'before ');
    await waitFor(() => sam.doc.getText('answer').toString() === 'before ', { what: 'first edit' });
    await first.close();
    await waitFor(() => alice.getStatus().phase === 'offline' && sam.getStatus().phase === 'offline', { what: 'offline' });
    alice.doc.getText('answer').insert(7, 'during');
    expect(alice.getStatus().phase).toBe('offline');
    const second = await startRelay({ storage: createSqliteStorage({ path: storagePath }), port: first.port });
    relays.push(second);
    await waitFor(() => sam.doc.getText('answer').toString() === 'before during', { what: 'edit after restart', timeoutMs: 10_000 });
    expect(alice.getStatus().phase).toBe('synced');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SYNC-15: two tabs on one device have separate sessions and converge', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const device = generateDeviceKeyPair();
    const tabA = open(relay.wsUrl, secret, { device });
    const tabB = open(relay.wsUrl, secret, { device });
    await Promise.all([tabA.whenSynced(), tabB.whenSynced()]);
    for (let i = 0; i < 20; i++) {
      tabA.doc.getMap('m').set(`a${i}`, i);
      tabB.doc.getMap('m').set(`b${i}`, i);
    }
    await waitFor(() => tabA.doc.getMap('m').size === 40 && tabB.doc.getMap('m').size === 40, { what: 'convergence' });
    expect(tabA.getStatus().warnings).toEqual([]);
  });
});
