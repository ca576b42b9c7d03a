import nacl from 'tweetnacl';
import { concatBytes, equalBytes, escrowDepositTranscript, utf8Decoder, utf8Encoder } from '../protocol/index.ts';
import { paddedLength } from './padding.ts';
import { lengthPrefixed, u32 } from './transcriptFields.ts';
import type { RoomSecret } from './roomSecret.ts';

// Sealed answers (SPEC SEALED-1..5): an answer encrypted under a key of its own, with a commitment
// that binds that key to the ciphertext, the card, the member and the revision, so that whoever is
// later given the key can check it opens exactly what was committed. This module is the
// cryptographic core only; who receives which key, and when, is the room's release protocol.

/** Layout version of the sealed record and its commitment; a new layout takes a new number. */
export const SEALED_ANSWER_VERSION = 1;
export const ANSWER_KEY_BYTES = nacl.secretbox.keyLength;
export const COMMITMENT_BYTES = 32;
export const SLOT_TAG_BYTES = 16;

const LABEL_COMMITMENT = 'seen/v1/answer-commitment';
const LABEL_SIGNATURE = 'seen/v1/answer-signature';
const LABEL_SLOT_KEY = 'seen/v1/escrow-slot';
const TEXT_LENGTH_BYTES = 4;

/** Which answer a sealed record is: one member's answer to one card of one session, at one revision. */
export interface AnswerSlot {
  readonly sessionId: string;
  readonly cardId: string;
  readonly memberId: string;
  /** 0 for the first shared version; each edit after sharing is a new revision. */
  readonly revision: number;
}

export interface SealedAnswer {
  readonly version: number;
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Binds key, nonce, ciphertext, slot and version: a key that does not match is caught before decrypting. */
  readonly commitment: Uint8Array;
}

export type OpenAnswerError = 'unsupported-version' | 'commitment-mismatch' | 'decrypt-failed' | 'bad-plaintext';
export type OpenAnswerResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: OpenAnswerError };

/** u16 length ‖ UTF-8: fields of a transcript can never run into each other. */
function slotTranscript(label: string, slot: AnswerSlot): Uint8Array {
  return concatBytes([utf8Encoder.encode(label), Uint8Array.of(0), lengthPrefixed(slot.sessionId), lengthPrefixed(slot.cardId), lengthPrefixed(slot.memberId), u32(slot.revision)]);
}

/** A fresh random key for one (member, session, card) answer: never derived from the room key. */
export function generateAnswerKey(): Uint8Array {
  return nacl.randomBytes(ANSWER_KEY_BYTES);
}

/**
 * commitment = SHA-512(label ‖ 0 ‖ slot ‖ version ‖ key ‖ nonce ‖ ciphertext)[0..32]. secretbox is
 * not key-committing (another key could open other bytes from the same box), so the key is inside
 * the hash; being 32 random bytes, it also makes the commitment unguessable from the answer alone
 * (a short or multiple-choice answer cannot be found by trying every option).
 */
export function computeCommitment(slot: AnswerSlot, version: number, key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return nacl.hash(concatBytes([slotTranscript(LABEL_COMMITMENT, slot), Uint8Array.of(version), key, nonce, ciphertext])).slice(0, COMMITMENT_BYTES);
}

/** Encrypts `text` under `key`, padded to the envelope buckets (a length is hidden within a factor of two). */
export function sealAnswer(text: string, key: Uint8Array, slot: AnswerSlot): SealedAnswer {
  if (key.length !== ANSWER_KEY_BYTES) throw new RangeError(`an answer key is ${ANSWER_KEY_BYTES} bytes`);
  const body = utf8Encoder.encode(text);
  const plaintext = new Uint8Array(paddedLength(TEXT_LENGTH_BYTES + body.length));
  plaintext.set(u32(body.length), 0);
  plaintext.set(body, TEXT_LENGTH_BYTES);
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  const ciphertext = nacl.secretbox(plaintext, nonce, key);
  return { version: SEALED_ANSWER_VERSION, nonce, ciphertext, commitment: computeCommitment(slot, SEALED_ANSWER_VERSION, key, nonce, ciphertext) };
}

/**
 * Opens a sealed answer with a key received from its author (or the relay's escrow). The key is
 * checked against the commitment first: a wrong key, a swapped ciphertext or a record moved to
 * another card, member or revision is `commitment-mismatch` — evidence to keep, never an answer.
 */
export function openSealedAnswer(sealed: SealedAnswer, key: Uint8Array, slot: AnswerSlot): OpenAnswerResult {
  if (sealed.version !== SEALED_ANSWER_VERSION) return { ok: false, error: 'unsupported-version' };
  if (key.length !== ANSWER_KEY_BYTES || sealed.nonce.length !== nacl.secretbox.nonceLength) return { ok: false, error: 'commitment-mismatch' };
  if (!equalBytes(computeCommitment(slot, sealed.version, key, sealed.nonce, sealed.ciphertext), sealed.commitment)) return { ok: false, error: 'commitment-mismatch' };
  const plaintext = nacl.secretbox.open(sealed.ciphertext, sealed.nonce, key);
  if (plaintext === null) return { ok: false, error: 'decrypt-failed' };
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getUint32(0);
  if (TEXT_LENGTH_BYTES + length > plaintext.length || plaintext.subarray(TEXT_LENGTH_BYTES + length).some((byte) => byte !== 0)) return { ok: false, error: 'bad-plaintext' };
  try {
    return { ok: true, text: utf8Decoder.decode(plaintext.subarray(TEXT_LENGTH_BYTES, TEXT_LENGTH_BYTES + length)) };
  } catch {
    return { ok: false, error: 'bad-plaintext' };
  }
}

/** What a commitment's signature covers: the slot and the commitment. */
export function signatureTranscript(slot: AnswerSlot, commitment: Uint8Array): Uint8Array {
  return concatBytes([slotTranscript(LABEL_SIGNATURE, slot), commitment]);
}

/** The author's device signs the commitment for its slot: nobody else can commit in its name. */
export function signCommitment(slot: AnswerSlot, commitment: Uint8Array, deviceSecretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(signatureTranscript(slot, commitment), deviceSecretKey);
}

export function verifyCommitmentSignature(slot: AnswerSlot, commitment: Uint8Array, signature: Uint8Array, devicePublicKey: Uint8Array): boolean {
  if (signature.length !== nacl.sign.signatureLength || devicePublicKey.length !== nacl.sign.publicKeyLength) return false;
  return nacl.sign.detached.verify(signatureTranscript(slot, commitment), signature, devicePublicKey);
}

/**
 * The opaque name of a (session, card) under which the relay would keep escrowed answer keys: the
 * same for every member of the room, different for every card, session and room, and without the
 * room secret it says nothing about which card it is.
 */
export function deriveSlotTag(secret: RoomSecret, sessionId: string, cardId: string): Uint8Array {
  const slotKey = nacl.hash(concatBytes([utf8Encoder.encode(LABEL_SLOT_KEY), Uint8Array.of(0), secret]));
  // A keyed hash truncated to 16 of its 64 bytes (no length extension from what the relay sees).
  return nacl.hash(concatBytes([slotKey, lengthPrefixed(sessionId), lengthPrefixed(cardId)])).slice(0, SLOT_TAG_BYTES);
}

/** The depositing device's signature on an ESCROW_DEPOSIT body (PROTOCOL.md §3b): bound to the room, the slot and the device. */
export function signEscrowDeposit(roomIdBytes: Uint8Array, body: Uint8Array, deviceSecretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(escrowDepositTranscript(roomIdBytes, body), deviceSecretKey);
}
