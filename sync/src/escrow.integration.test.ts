import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { deriveRoomKeys, deriveSlotTag, generateAnswerKey, generateDeviceKeyPair, openEnvelope, openSealedAnswer, sealAnswer, type AnswerSlot } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { containsAny, encodingsOf } from './testing/canary.ts';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

const harness = createSyncHarness();

// A sealed answer's key through the relay's escrow with @seen/sync's public API (SPEC ESCROW-9),
// the library alone: each device's nacl.box key pair is made by the test and handed over directly
// (the app finds them on the signed device list in the room document: sealedAnswers.integration.test.ts).
describe('answer-key escrow through @seen/sync (ESCROW-9)', () => {
  it('ESCROW-9 Sam cannot open Alex\'s sealed answer until Sam deposits an answer of his own; then the key arrives, opens it, and matches the commitment', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const alexDevice = generateDeviceKeyPair();
    const samDevice = generateDeviceKeyPair();
    const alexBox = nacl.box.keyPair();
    const samBox = nacl.box.keyPair();
    const alex = harness.open(relay.wsUrl, secret, { device: alexDevice });
    const sam = harness.open(relay.wsUrl, secret, { device: samDevice });
    await Promise.all([alex.whenSynced(), sam.whenSynced()]);
    const slotTag = deriveSlotTag(secret, 'session-1', 'bs-014');
    const boxTo = (key: Uint8Array, recipientBoxKey: Uint8Array, senderBoxSecret: Uint8Array): Uint8Array => {
      const nonce = nacl.randomBytes(nacl.box.nonceLength);
      return new Uint8Array([...nonce, ...nacl.box(key, nonce, recipientBoxKey, senderBoxSecret)]);
    };
    const unbox = (box: Uint8Array, senderBoxKey: Uint8Array, recipientBoxSecret: Uint8Array): Uint8Array | null =>
      nacl.box.open(box.subarray(nacl.box.nonceLength), box.subarray(0, nacl.box.nonceLength), senderBoxKey, recipientBoxSecret);

    // Alex answers first: the sealed record could travel in the room document; only its key is escrowed.
    const alexSlot: AnswerSlot = { sessionId: 'session-1', cardId: 'bs-014', memberId: 'alex', revision: 0 };
    const alexKey = generateAnswerKey();
    const alexSealed = sealAnswer('I felt closest when we walked home in the rain', alexKey, alexSlot);
    const first = await alex.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: alexSealed.commitment, boxes: [{ recipient: samDevice.publicKey, box: boxTo(alexKey, samBox.publicKey, alexBox.secretKey) }] });
    expect(first).toEqual({ status: 'stored', releases: [] });
    // Before answering, Sam gets nothing from the relay: only the ciphertext, which does not open.
    expect(await sam.readEscrow(slotTag)).toEqual({ status: 'stored', releases: [] });
    expect(openSealedAnswer(alexSealed, generateAnswerKey(), alexSlot)).toEqual({ ok: false, error: 'commitment-mismatch' });

    const notices: string[] = [];
    alex.onEscrowNotice((tag) => notices.push(Buffer.from(tag).toString('hex')));
    const samSlot: AnswerSlot = { ...alexSlot, memberId: 'sam' };
    const samKey = generateAnswerKey();
    const samSealed = sealAnswer('When you made tea without asking', samKey, samSlot);
    const second = await sam.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: samSealed.commitment, boxes: [{ recipient: alexDevice.publicKey, box: boxTo(samKey, alexBox.publicKey, samBox.secretKey) }] });
    expect(second.status).toBe('stored');
    expect(second.releases.length).toBe(1);
    const keyForSam = unbox(second.releases[0]!.box, alexBox.publicKey, samBox.secretKey)!;
    expect(openSealedAnswer(alexSealed, keyForSam, alexSlot)).toEqual({ ok: true, text: 'I felt closest when we walked home in the rain' });
    expect(second.releases[0]!.record).toEqual(alexSealed.commitment);

    // Alex hears that the slot changed, reads, and opens Sam's answer.
    await waitFor(() => notices.includes(Buffer.from(slotTag).toString('hex')), { what: 'the escrow notice' });
    const read = await alex.readEscrow(slotTag);
    const keyForAlex = unbox(read.releases[0]!.box, samBox.publicKey, alexBox.secretKey)!;
    expect(openSealedAnswer(samSealed, keyForAlex, samSlot)).toEqual({ ok: true, text: 'When you made tea without asking' });
  });

  it('ESCROW-10 the relay database between the two deposits, together with the invite link, holds no answer key and no answer: the room key opens every envelope and still finds only the sealed ciphertext', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-escrow-dump-'));
    try {
      const relay = await harness.relay({ dataDir });
      const secret = generateRoomSecret();
      const samDevice = generateDeviceKeyPair();
      const samBox = nacl.box.keyPair();
      const alexBox = nacl.box.keyPair();
      const alex = harness.open(relay.wsUrl, secret);
      const sam = harness.open(relay.wsUrl, secret, { device: samDevice });
      await Promise.all([alex.whenSynced(), sam.whenSynced()]);
      const answer = `ESCROW-CANARY-${Math.random().toString(36).slice(2)}`;
      const slot: AnswerSlot = { sessionId: 'session-1', cardId: 'bs-014', memberId: 'alex', revision: 0 };
      const key = generateAnswerKey();
      const sealed = sealAnswer(answer, key, slot);
      // The sealed record travels in the room document, encrypted under the room key like everything else.
      alex.doc.getMap('sealed').set('alex', { nonce: sealed.nonce, ciphertext: sealed.ciphertext, commitment: sealed.commitment });
      await alex.whenSaved();
      const nonce = nacl.randomBytes(nacl.box.nonceLength);
      const box = new Uint8Array([...nonce, ...nacl.box(key, nonce, samBox.publicKey, alexBox.secretKey)]);
      const slotTag = deriveSlotTag(secret, 'session-1', 'bs-014');
      expect((await alex.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: sealed.commitment, boxes: [{ recipient: samDevice.publicKey, box }] })).status).toBe('stored');

      // The dump: every file of the relay's data folder, as a thief would copy it now.
      const files = readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)));
      const needles = [...encodingsOf(answer), Buffer.from(key), Buffer.from(key).toString('base64'), Buffer.from(key).toString('hex')].map((needle) => (typeof needle === 'string' ? Buffer.from(needle) : needle));
      for (const file of files) expect(containsAny(file, needles)).toBe(false);
      // With the invite link the thief opens every envelope of the log: the sealed record is there, the answer and its key are not.
      const keys = deriveRoomKeys(secret);
      const thief = new Y.Doc();
      const log = await relay.storage.readLog(keys.roomId, 0, Number.MAX_SAFE_INTEGER, 100_000);
      expect(log.length).toBeGreaterThan(0);
      for (const entry of log) {
        const opened = openEnvelope(entry.envelope, { encryptionKey: keys.encryptionKey, roomId: keys.roomIdBytes, epoch: 0 });
        expect(opened.ok).toBe(true);
        if (!opened.ok) continue;
        expect(containsAny(Buffer.from(opened.value.payload), needles)).toBe(false);
        Y.applyUpdate(thief, opened.value.payload);
      }
      const stolen = thief.getMap('sealed').get('alex') as { nonce: Uint8Array; ciphertext: Uint8Array; commitment: Uint8Array };
      expect(Buffer.from(stolen.ciphertext).equals(Buffer.from(sealed.ciphertext))).toBe(true);
      // The box the relay keeps opens only with Sam's box secret, which never left Sam's device.
      const escrowed = await relay.storage.readEscrowReleases(keys.roomId, slotTag, samDevice.publicKey);
      expect(escrowed).toEqual([]);
      // The scan is live: the answer is found where it really is.
      expect(containsAny(Buffer.from(`x${answer}x`), needles)).toBe(true);
      expect(openSealedAnswer({ version: sealed.version, ...stolen }, key, slot)).toEqual({ ok: true, text: answer });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
