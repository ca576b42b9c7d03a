import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { concatBytes, utf8Encoder } from '../protocol/index.ts';
import { generateDeviceKeyPair } from './deviceKeys.ts';
import { generateRoomSecret } from './roomSecret.ts';
import {
  COMMITMENT_BYTES,
  SLOT_TAG_BYTES,
  computeCommitment,
  deriveSlotTag,
  generateAnswerKey,
  openSealedAnswer,
  sealAnswer,
  signCommitment,
  verifyCommitmentSignature,
  type AnswerSlot,
  type SealedAnswer,
} from './sealedAnswer.ts';

const SLOT: AnswerSlot = { sessionId: 'session-7', cardId: 'bs-014', memberId: 'alex', revision: 0 };

describe('sealed answers (SPEC SEALED-1..5, the cryptographic core)', () => {
  it('SEALED-1 an answer opens with its own key and slot, at every padding bucket edge, and the ciphertext hides its length within a bucket', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 700 }), (text) => {
        const key = generateAnswerKey();
        const sealed = sealAnswer(text, key, SLOT);
        expect(sealed.commitment.length).toBe(COMMITMENT_BYTES);
        expect(openSealedAnswer(sealed, key, SLOT)).toEqual({ ok: true, text });
      }),
      { seed: 1201, numRuns: 300 },
    );
    const lengths = ['', 'y', 'yes, and more than I said', 'x'.repeat(120)].map((text) => sealAnswer(text, generateAnswerKey(), SLOT).ciphertext.length);
    expect(new Set(lengths).size).toBe(1);
    // 124 bytes of text fill the 128 B bucket; one more moves to 256.
    expect(sealAnswer('x'.repeat(124), generateAnswerKey(), SLOT).ciphertext.length).toBe(128 + nacl.secretbox.overheadLength);
    expect(sealAnswer('x'.repeat(125), generateAnswerKey(), SLOT).ciphertext.length).toBe(256 + nacl.secretbox.overheadLength);
  });

  it('SEALED-2 a wrong key, a swapped ciphertext or nonce, and a record moved to another card, member, session or revision are all caught by the commitment', () => {
    const key = generateAnswerKey();
    const sealed = sealAnswer('I felt seen when you asked about my day', key, SLOT);
    const other = sealAnswer('something else entirely', generateAnswerKey(), SLOT);
    expect(openSealedAnswer(sealed, generateAnswerKey(), SLOT)).toEqual({ ok: false, error: 'commitment-mismatch' });
    expect(openSealedAnswer({ ...sealed, ciphertext: other.ciphertext }, key, SLOT)).toEqual({ ok: false, error: 'commitment-mismatch' });
    expect(openSealedAnswer({ ...sealed, nonce: other.nonce }, key, SLOT)).toEqual({ ok: false, error: 'commitment-mismatch' });
    for (const moved of [{ ...SLOT, cardId: 'bs-015' }, { ...SLOT, memberId: 'sam' }, { ...SLOT, sessionId: 'session-8' }, { ...SLOT, revision: 1 }]) {
      expect(openSealedAnswer(sealed, key, moved)).toEqual({ ok: false, error: 'commitment-mismatch' });
    }
    expect(openSealedAnswer({ ...sealed, version: 2 }, key, SLOT)).toEqual({ ok: false, error: 'unsupported-version' });
    // A commitment recomputed by a forger over altered bytes still needs the box to open under the key.
    const flipped = sealed.ciphertext.slice();
    flipped[0]! ^= 1;
    const forged: SealedAnswer = { ...sealed, ciphertext: flipped, commitment: computeCommitment(SLOT, sealed.version, key, sealed.nonce, flipped) };
    expect(openSealedAnswer(forged, key, SLOT)).toEqual({ ok: false, error: 'decrypt-failed' });
  });

  it('SEALED-3 the commitment reveals nothing guessable: no option of a short-answer card, hashed any unkeyed way, matches it, and the same answer commits differently each time', () => {
    const options = ['yes', 'no', 'maybe', 'sometimes', 'never', 'always', '1', '2', '3', '4', '5'];
    const sealed = sealAnswer('maybe', generateAnswerKey(), SLOT);
    const zeroKey = new Uint8Array(32);
    for (const option of options) {
      const guesses = [
        nacl.hash(utf8Encoder.encode(option)).slice(0, COMMITMENT_BYTES),
        // The same construction with a key the guesser could know (none, or derived from the option).
        computeCommitment(SLOT, sealed.version, zeroKey, sealed.nonce, sealed.ciphertext),
        computeCommitment(SLOT, sealed.version, nacl.hash(utf8Encoder.encode(option)).slice(0, 32), sealed.nonce, sealed.ciphertext),
        computeCommitment(SLOT, sealed.version, zeroKey, sealed.nonce, nacl.secretbox(concatBytes([utf8Encoder.encode(option)]), sealed.nonce, zeroKey)),
      ];
      for (const guess of guesses) expect(Buffer.from(guess).equals(Buffer.from(sealed.commitment))).toBe(false);
    }
    const again = sealAnswer('maybe', generateAnswerKey(), SLOT);
    expect(Buffer.from(again.commitment).equals(Buffer.from(sealed.commitment))).toBe(false);
    expect(Buffer.from(again.ciphertext).equals(Buffer.from(sealed.ciphertext))).toBe(false);
  });

  it("SEALED-4 a commitment signed by the author's device verifies only for that device, that slot and that commitment", () => {
    const alexDevice = generateDeviceKeyPair();
    const samDevice = generateDeviceKeyPair();
    const sealed = sealAnswer('an answer', generateAnswerKey(), SLOT);
    const signature = signCommitment(SLOT, sealed.commitment, alexDevice.secretKey);
    expect(verifyCommitmentSignature(SLOT, sealed.commitment, signature, alexDevice.publicKey)).toBe(true);
    expect(verifyCommitmentSignature(SLOT, sealed.commitment, signature, samDevice.publicKey)).toBe(false);
    expect(verifyCommitmentSignature({ ...SLOT, cardId: 'bs-099' }, sealed.commitment, signature, alexDevice.publicKey)).toBe(false);
    expect(verifyCommitmentSignature({ ...SLOT, revision: 3 }, sealed.commitment, signature, alexDevice.publicKey)).toBe(false);
    const otherCommitment = sealAnswer('another', generateAnswerKey(), SLOT).commitment;
    expect(verifyCommitmentSignature(SLOT, otherCommitment, signature, alexDevice.publicKey)).toBe(false);
    expect(verifyCommitmentSignature(SLOT, sealed.commitment, signature.slice(0, 10), alexDevice.publicKey)).toBe(false);
  });

  it('SEALED-5 slot tags are the same for every member of a room and differ per card, session and room', () => {
    const secret = generateRoomSecret();
    const tag = deriveSlotTag(secret, 'session-7', 'bs-014');
    expect(tag.length).toBe(SLOT_TAG_BYTES);
    expect(deriveSlotTag(secret, 'session-7', 'bs-014')).toEqual(tag);
    const others = [deriveSlotTag(secret, 'session-7', 'bs-015'), deriveSlotTag(secret, 'session-8', 'bs-014'), deriveSlotTag(generateRoomSecret(), 'session-7', 'bs-014')];
    for (const other of others) expect(Buffer.from(other).equals(Buffer.from(tag))).toBe(false);
    // Fields cannot slide into each other: ("ab", "c") and ("a", "bc") are different slots.
    expect(Buffer.from(deriveSlotTag(secret, 'ab', 'c')).equals(Buffer.from(deriveSlotTag(secret, 'a', 'bc')))).toBe(false);
  });
});
