// Test helpers for sealed answers (imported by *.test.ts only): rooms whose devices hold vaults.
import * as Y from 'yjs';
import { generateDeviceKeyPair, memberIdForDevice, type DeviceKeyPair } from '../crypto/index.ts';
import { addMember, createRoom } from '../doc/index.ts';
import { syncDocs, T0 } from '../doc/testRoom.ts';
import { AnswerVault } from './AnswerVault.ts';

export const ROOM_ID = 'room-under-test';

export interface TestDevice {
  readonly doc: Y.Doc;
  readonly keys: DeviceKeyPair;
  readonly vault: AnswerVault;
  readonly memberId: string;
}

export function openDevice(doc: Y.Doc, memberId: string, keys: DeviceKeyPair = generateDeviceKeyPair()): TestDevice {
  return { doc, keys, memberId, vault: new AnswerVault(doc, { roomId: ROOM_ID, memberId, device: keys }) };
}

/** A member's first device: its member id names it (SEALED-7). */
export function firstDevice(doc: Y.Doc): TestDevice {
  const keys = generateDeviceKeyPair();
  return openDevice(doc, memberIdForDevice(keys.publicKey), keys);
}

/** Syncs every doc with every other (a perfect network). */
export function syncAll(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) syncDocs(a, b);
}

/** Alex creates a room and Sam joins, each on their own device, each enrolled, all synced. */
export function createSealedCouple(): { alex: TestDevice; sam: TestDevice } {
  const alex = firstDevice(new Y.Doc());
  createRoom(alex.doc, { name: 'Sundays', deckId: 'partners', mode: 'weekly', seed: 'seed-1', now: T0, member: { id: alex.memberId, name: 'Alex' } });
  alex.vault.enroll(T0);
  const sam = firstDevice(new Y.Doc());
  syncAll(alex.doc, sam.doc);
  addMember(sam.doc, { id: sam.memberId, name: 'Sam', now: T0 + 1000 });
  sam.vault.enroll(T0 + 1000);
  syncAll(alex.doc, sam.doc);
  return { alex, sam };
}

/**
 * A second device of `first`'s member, approved by `first` (SEALED-7) and holding the member
 * secret; every replica in `others` is synced along.
 */
export function approvedSecondDevice(first: TestDevice, ...others: Y.Doc[]): TestDevice {
  const second = openDevice(new Y.Doc(), first.memberId);
  syncAll(first.doc, second.doc);
  second.vault.enroll(T0);
  syncAll(first.doc, second.doc);
  first.vault.approveDevice(second.vault.deviceHex, T0);
  syncAll(first.doc, second.doc, ...others);
  second.vault.enroll(T0);
  return second;
}

/** Every byte string the document holds, as one buffer: what a device (or a dump of it) stores. */
export function storedBytes(doc: Y.Doc): Buffer {
  return Buffer.from(Y.encodeStateAsUpdate(doc));
}
