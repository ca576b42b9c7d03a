import nacl from 'tweetnacl';
import { concatBytes, utf8Encoder } from '../protocol/index.ts';
import { DeviceBoxer } from './DeviceBoxer.ts';
import { paddedLength } from './padding.ts';
import { lengthPrefixed, u32 } from './transcriptFields.ts';
import type { AnswerSlot } from './sealedAnswer.ts';

// The keys around sealed answers (SPEC SEALED-6..9): each device's box key, the member secret that
// only one member's own devices hold, the per-answer keys derived from it, and the small boxes that
// carry a key from one device to another through the room document or the relay's escrow.

export const MEMBER_SECRET_BYTES = 32;
export const DEVICE_BOX_KEY_BYTES = nacl.box.publicKeyLength;

const LABEL_BOX_KEY = 'seen/v1/device-box-key';
const LABEL_DEVICE_RECORD = 'seen/v1/device-record';
const LABEL_DEVICE_APPROVAL = 'seen/v1/device-approval';
const LABEL_MEMBER_ID = 'seen/v1/member-id';
const LABEL_DEVICE_REMOVAL = 'seen/v1/device-removal';
const LABEL_APPROVAL_CODE = 'seen/v1/approval-code';
const LABEL_ANSWER_KEY = 'seen/v1/answer-key';
const LABEL_DRAFT_KEY = 'seen/v1/draft-key';
const LABEL_MEMBER_PREFS_KEY = 'seen/v1/member-prefs-key';
const LENGTH_PREFIX_BYTES = 4;

export type BoxKeyPair = nacl.BoxKeyPair;

/**
 * The device's X25519 key for boxes, derived from its Ed25519 secret key: one secret to keep per
 * device, and a key that is never used for both signing and encryption.
 */
export function deriveDeviceBoxKeyPair(deviceSecretKey: Uint8Array): BoxKeyPair {
  const seed = nacl.hash(concatBytes([utf8Encoder.encode(LABEL_BOX_KEY), Uint8Array.of(0), deviceSecretKey.subarray(0, 32)])).slice(0, nacl.box.secretKeyLength);
  return nacl.box.keyPair.fromSecretKey(seed);
}

/** What a device record's signature covers: this device speaks for this member with this box key. */
export function deviceRecordTranscript(roomId: string, memberId: string, boxKey: Uint8Array): Uint8Array {
  return concatBytes([utf8Encoder.encode(LABEL_DEVICE_RECORD), Uint8Array.of(0), lengthPrefixed(roomId), lengthPrefixed(memberId), boxKey]);
}

export function signDeviceRecord(roomId: string, memberId: string, boxKey: Uint8Array, deviceSecretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(deviceRecordTranscript(roomId, memberId, boxKey), deviceSecretKey);
}

export function approvalTranscript(roomId: string, memberId: string, devicePublicKey: Uint8Array, boxKey: Uint8Array): Uint8Array {
  return concatBytes([utf8Encoder.encode(LABEL_DEVICE_APPROVAL), Uint8Array.of(0), lengthPrefixed(roomId), lengthPrefixed(memberId), devicePublicKey, boxKey]);
}

/** An existing device of the member vouches for a new one: this key and this box key are also the member (SEALED-7). */
export function signDeviceApproval(roomId: string, memberId: string, devicePublicKey: Uint8Array, boxKey: Uint8Array, approverSecretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(approvalTranscript(roomId, memberId, devicePublicKey, boxKey), approverSecretKey);
}

export function removalTranscript(roomId: string, memberId: string, devicePublicKey: Uint8Array): Uint8Array {
  return concatBytes([utf8Encoder.encode(LABEL_DEVICE_REMOVAL), Uint8Array.of(0), lengthPrefixed(roomId), lengthPrefixed(memberId), devicePublicKey]);
}

/** A device of the member takes a lost one off the list (SEALED-15). */
export function signDeviceRemoval(roomId: string, memberId: string, devicePublicKey: Uint8Array, removerSecretKey: Uint8Array): Uint8Array {
  return nacl.sign.detached(removalTranscript(roomId, memberId, devicePublicKey), removerSecretKey);
}

const MEMBER_ID_BYTES = 12;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A member id that names its first device: base64url of 12 bytes of SHA-512 over the device's
 * public key. Nobody can write a device record that passes as a member's first device without that
 * device's secret key, so a member's devices are that one and those approved from it (SEALED-7).
 */
export function memberIdForDevice(devicePublicKey: Uint8Array): string {
  const digest = nacl.hash(concatBytes([utf8Encoder.encode(LABEL_MEMBER_ID), Uint8Array.of(0), devicePublicKey]));
  let id = '';
  for (let i = 0; i < MEMBER_ID_BYTES; i += 3) {
    const chunk = (digest[i]! << 16) | (digest[i + 1]! << 8) | digest[i + 2]!;
    id += BASE64URL[(chunk >> 18) & 63]! + BASE64URL[(chunk >> 12) & 63]! + BASE64URL[(chunk >> 6) & 63]! + BASE64URL[chunk & 63]!;
  }
  return id;
}

const APPROVAL_CODE_DIGITS = 6;

/** Six digits both screens show when a device asks to join as an existing member: compare, then approve. */
export function approvalCode(devicePublicKey: Uint8Array, boxKey: Uint8Array): string {
  const digest = nacl.hash(concatBytes([utf8Encoder.encode(LABEL_APPROVAL_CODE), Uint8Array.of(0), devicePublicKey, boxKey]));
  const value = ((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!;
  return String(value % 10 ** APPROVAL_CODE_DIGITS).padStart(APPROVAL_CODE_DIGITS, '0');
}

export function generateMemberSecret(): Uint8Array {
  return nacl.randomBytes(MEMBER_SECRET_BYTES);
}

function slotKey(label: string, memberSecret: Uint8Array, slot: AnswerSlot): Uint8Array {
  if (memberSecret.length !== MEMBER_SECRET_BYTES) throw new RangeError(`a member secret is ${MEMBER_SECRET_BYTES} bytes`);
  const transcript = concatBytes([
    utf8Encoder.encode(label),
    Uint8Array.of(0),
    memberSecret,
    lengthPrefixed(slot.sessionId),
    lengthPrefixed(slot.cardId),
    lengthPrefixed(slot.memberId),
    u32(slot.revision),
  ]);
  return nacl.hash(transcript).slice(0, nacl.secretbox.keyLength);
}

/**
 * The key of one answer (member, session, card, revision). Derived one-way from the member secret,
 * so every device of the member has it without a message, and giving it away opens that answer and
 * nothing else: not the drafts, not another card.
 */
export function deriveAnswerKey(memberSecret: Uint8Array, slot: AnswerSlot): Uint8Array {
  return slotKey(LABEL_ANSWER_KEY, memberSecret, slot);
}

/** The key of a draft's saves: never released, so the partner never holds what was typed and deleted. */
export function deriveDraftKey(memberSecret: Uint8Array, slot: AnswerSlot): Uint8Array {
  return slotKey(LABEL_DRAFT_KEY, memberSecret, slot);
}

/** The key of the member's own settings in the room (strict release, SEALED-14): only the member's devices can read or write them. */
export function deriveMemberPrefsKey(memberSecret: Uint8Array): Uint8Array {
  if (memberSecret.length !== MEMBER_SECRET_BYTES) throw new RangeError(`a member secret is ${MEMBER_SECRET_BYTES} bytes`);
  return nacl.hash(concatBytes([utf8Encoder.encode(LABEL_MEMBER_PREFS_KEY), Uint8Array.of(0), memberSecret])).slice(0, nacl.secretbox.keyLength);
}

/** nonce ‖ box(payload) from one device's box key to another's. */
export function boxForDevice(payload: Uint8Array, recipientBoxKey: Uint8Array, senderBoxSecretKey: Uint8Array): Uint8Array {
  return new DeviceBoxer(senderBoxSecretKey).box(payload, recipientBoxKey);
}

export function openDeviceBox(box: Uint8Array, senderBoxKey: Uint8Array, recipientBoxSecretKey: Uint8Array): Uint8Array | null {
  return new DeviceBoxer(recipientBoxSecretKey).open(box, senderBoxKey);
}

/** nonce ‖ secretbox(u32 length ‖ bytes ‖ zero padding to a bucket): a draft save whose size says little. */
export function sealPadded(bytes: Uint8Array, key: Uint8Array): Uint8Array {
  const plaintext = new Uint8Array(paddedLength(LENGTH_PREFIX_BYTES + bytes.length));
  plaintext.set(u32(bytes.length), 0);
  plaintext.set(bytes, LENGTH_PREFIX_BYTES);
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return concatBytes([nonce, nacl.secretbox(plaintext, nonce, key)]);
}

export function openPadded(sealed: Uint8Array, key: Uint8Array): Uint8Array | null {
  if (sealed.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength) return null;
  const plaintext = nacl.secretbox.open(sealed.subarray(nacl.secretbox.nonceLength), sealed.subarray(0, nacl.secretbox.nonceLength), key);
  if (!plaintext || plaintext.length < LENGTH_PREFIX_BYTES) return null;
  const length = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getUint32(0);
  if (LENGTH_PREFIX_BYTES + length > plaintext.length) return null;
  return plaintext.slice(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + length);
}
