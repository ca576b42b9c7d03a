import { describe, expect, it } from 'vitest';
import { deriveRoomKeysAsync, signHandshake, signHandshakeAsync, type HandshakeSigner } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { answerText, createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

// The app opens rooms with keys derived through WebCrypto and signs each handshake through
// WebCrypto (openRoom.ts). The real relay verifies both signatures, so a session that syncs proves
// the bytes are right; the partner uses the tweetnacl defaults.
const harness = createSyncHarness();

describe('rooms opened with WebCrypto keys and an asynchronous handshake signer (real relay)', () => {
  it('CRYPTO-8: a session with precomputed keys and signHandshakeAsync is let in and syncs with a tweetnacl partner', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alex = harness.open(relay.wsUrl, secret, { keys: await deriveRoomKeysAsync(secret), signHandshake: signHandshakeAsync });
    const sam = harness.open(relay.wsUrl, secret);
    await Promise.all([alex.whenSynced(), sam.whenSynced()]);
    alex.doc.getText('answer').insert(0, 'signed through WebCrypto');
    await waitFor(() => answerText(sam.doc) === 'signed through WebCrypto', { what: 'Sam to see the edit' });
    expect(alex.roomId).toBe(sam.roomId);
  });

  it('CRYPTO-8: a signer that fails drops that connection and the next one gets in', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    let calls = 0;
    const failsOnce: HandshakeSigner = async (input) => {
      calls += 1;
      if (calls === 1) throw new Error('signer unavailable');
      return signHandshake(input);
    };
    const alex = harness.open(relay.wsUrl, secret, { signHandshake: failsOnce });
    await alex.whenSynced();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(alex.getStatus().phase).toBe('synced');
  });
});
