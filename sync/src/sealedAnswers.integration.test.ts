import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import * as Y from 'yjs';
import { deriveDeviceBoxKeyPair, deriveRoomKeys, deriveSlotTag, generateDeviceKeyPair, memberIdForDevice, openDeviceBox, openEnvelope, type DeviceKeyPair } from '@seen/shared/crypto';
import { addMember, answerMap, createRoom, readCardAnswers, RootKey, rootMap, startSession } from '@seen/shared/doc';
import { AnswerVault } from '@seen/shared/seal';
import { waitFor } from '@seen/shared/testing';
import type { RoomSession } from './RoomSession.ts';
import { createPostgresStorage, startPostgres } from '@seen/server/testing';
import { containsAny, encodingsOf, filesUnder } from './testing/canary.ts';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

const harness = createSyncHarness();
const CARD = { session: 1, cardId: 'p-01' };
const T0 = 1_750_000_000_000;

interface Member {
  readonly session: RoomSession;
  readonly device: DeviceKeyPair;
  readonly vault: AnswerVault;
  readonly memberId: string;
}

/** Alex creates a room and Sam joins, as the app does: member ids named after first devices, both enrolled. */
async function openSealedRoom(wsUrl: string) {
  const secret = generateRoomSecret();
  const open = (): Member => {
    const device = generateDeviceKeyPair();
    const session = harness.open(wsUrl, secret, { device });
    const memberId = memberIdForDevice(device.publicKey);
    return { session, device, memberId, vault: new AnswerVault(session.doc, { roomId: session.roomId, memberId, device }) };
  };
  const alex = open();
  const sam = open();
  await Promise.all([alex.session.whenSynced(), sam.session.whenSynced()]);
  createRoom(alex.session.doc, { name: 'Sealed', deckId: 'partners', mode: 'weekly', seed: 's', now: T0, member: { id: alex.memberId, name: 'Alex' } });
  startSession(alex.session.doc, { number: 1, seed: 's:1', cardIds: [CARD.cardId], maxLevel: 1, thenAndNow: null, memberId: alex.memberId, now: T0 });
  alex.vault.enroll(T0);
  await waitFor(() => rootMap(sam.session.doc, RootKey.Devices).size === 1, { what: 'Alex\'s device record at Sam' });
  addMember(sam.session.doc, { id: sam.memberId, name: 'Sam', now: T0 + 1 });
  sam.vault.enroll(T0 + 1);
  await waitFor(() => rootMap(alex.session.doc, RootKey.Devices).size === 2, { what: 'Sam\'s device record at Alex' });
  return { secret, alex, sam, alexRef: { ...CARD, memberId: alex.memberId }, samRef: { ...CARD, memberId: sam.memberId } };
}

/** Every key a modified client can get its hands on: each box in the document it can open with its own box key. */
function keysAModifiedClientCanOpen(doc: Y.Doc, device: DeviceKeyPair): Uint8Array[] {
  const own = deriveDeviceBoxKeyPair(device.secretKey);
  const senders: Uint8Array[] = [];
  rootMap(doc, RootKey.Devices).forEach((value) => {
    if (typeof value === 'object' && value !== null && (value as { boxKey?: unknown }).boxKey instanceof Uint8Array) senders.push((value as { boxKey: Uint8Array }).boxKey);
  });
  const boxes: Uint8Array[] = [];
  rootMap(doc, RootKey.KeyBoxes).forEach((value) => value instanceof Uint8Array && boxes.push(value));
  rootMap(doc, RootKey.MemberKeys).forEach((value) => {
    const box = (value as { box?: unknown }).box;
    if (box instanceof Uint8Array) boxes.push(box);
  });
  return boxes.flatMap((box) => senders.map((sender) => openDeviceBox(box, sender, own.secretKey)).filter((key): key is Uint8Array => key !== null));
}

/** Whether any of `keys` opens the sealed answer stored for `ref` (or decrypts any of its draft saves). */
function anyKeyOpens(doc: Y.Doc, ref: { session: number; cardId: string; memberId: string }, keys: readonly Uint8Array[]): boolean {
  const map = answerMap(doc, ref);
  const sealed = map?.get('sealed') as { nonce: Uint8Array; ciphertext: Uint8Array } | undefined;
  const saves = map?.get('sealedDraft');
  const blobs = saves instanceof Y.Array ? (saves.toArray() as Uint8Array[]) : [];
  return keys.some(
    (key) =>
      key.length === nacl.secretbox.keyLength &&
      ((sealed !== undefined && nacl.secretbox.open(sealed.ciphertext, sealed.nonce, key) !== null) ||
        blobs.some((blob) => nacl.secretbox.open(blob.subarray(24), blob.subarray(0, 24), key) !== null)),
  );
}

/**
 * Alex drafts, shares and deposits; then the relay's files are read as a thief would copy them, and
 * every envelope of the log is opened with the room key from the invite link: no draft, no answer
 * and no answer key anywhere, only the sealed record.
 */
async function expectDumpOpensNothing(relay: Awaited<ReturnType<typeof harness.relay>>, files: () => string[]): Promise<void> {
  const { secret, alex, alexRef } = await openSealedRoom(relay.wsUrl);
  const canary = `DUMP-CANARY-${Math.random().toString(36).slice(2)}`;
  alex.vault.editDraft(alexRef, `${canary} (draft)`, T0);
  await alex.session.whenSaved();
  alex.vault.editDraft(alexRef, canary, T0 + 1);
  const shared = alex.vault.submit(alexRef, T0 + 2)!;
  await alex.session.whenSaved();
  const slotTag = deriveSlotTag(secret, String(CARD.session), CARD.cardId);
  expect((await alex.session.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: shared.record, boxes: alex.vault.escrowBoxes(shared.key) })).status).toBe('stored');

  const needles = [...encodingsOf(canary), Buffer.from(shared.key)];
  let roomSeen = false;
  for (const file of files()) {
    const bytes = readFileSync(file);
    expect(containsAny(bytes, needles), file).toBe(false);
    roomSeen ||= bytes.includes(Buffer.from(alex.session.roomId));
  }
  // The scan reads where the rows really land: the room's id is there in clear.
  expect(roomSeen, 'the room id in the relay\'s files').toBe(true);
  // The thief opens every envelope with the room key from the link: the document holds ciphertext only.
  const keys = deriveRoomKeys(secret);
  const thief = new Y.Doc();
  for (const entry of await relay.storage.readLog(keys.roomId, 0, Number.MAX_SAFE_INTEGER, 100_000)) {
    const opened = openEnvelope(entry.envelope, { encryptionKey: keys.encryptionKey, roomId: keys.roomIdBytes, epoch: 0 });
    if (opened.ok) Y.applyUpdate(thief, opened.value.payload);
  }
  expect(answerMap(thief, alexRef)?.get('sealed')).toBeDefined();
  expect(containsAny(Buffer.from(Y.encodeStateAsUpdate(thief)), needles)).toBe(false);
  // Nor does any key the thief can open (it holds no device's secret) open the sealed record.
  expect(anyKeyOpens(thief, alexRef, keysAModifiedClientCanOpen(thief, generateDeviceKeyPair()))).toBe(false);
}

describe('sealed answers through a real relay (SEALED-16)', () => {
  it('SEALED-16 a modified client with the room key, every update, its own keys and the relay API reads only ciphertext of the partner\'s draft and answer until it shares; then the key arrives', async () => {
    const relay = await harness.relay();
    const { secret, alex, sam, alexRef, samRef } = await openSealedRoom(relay.wsUrl);
    const canary = `SEALED-CANARY-${Math.random().toString(36).slice(2)}`;
    for (let i = 8; i <= canary.length; i += 8) alex.vault.editDraft(alexRef, canary.slice(0, i), T0 + i);
    alex.vault.editDraft(alexRef, canary, T0 + 100);
    await alex.session.whenSaved();
    const shared = alex.vault.submit(alexRef, T0 + 200)!;
    const slotTag = deriveSlotTag(secret, String(CARD.session), CARD.cardId);
    expect((await alex.session.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: shared.record, boxes: alex.vault.escrowBoxes(shared.key) })).status).toBe('stored');
    await alex.session.whenSaved();
    await waitFor(() => answerMap(sam.session.doc, alexRef)?.get('sealed') !== undefined, { what: 'Alex\'s sealed answer at Sam' });

    // Everything Sam's device holds: no canary in the document, whatever key it can open.
    const needles = encodingsOf(canary);
    expect(containsAny(Buffer.from(Y.encodeStateAsUpdate(sam.session.doc)), needles)).toBe(false);
    expect(anyKeyOpens(sam.session.doc, alexRef, keysAModifiedClientCanOpen(sam.session.doc, sam.device))).toBe(false);
    // The relay API: before Sam deposits, a read of the slot (or any other) releases nothing.
    expect(await sam.session.readEscrow(slotTag)).toEqual({ status: 'stored', releases: [] });
    expect(await sam.session.readEscrow(deriveSlotTag(secret, '1', 'another-card'))).toEqual({ status: 'stored', releases: [] });
    // Peer release waits for Sam's commitment too.
    expect(alex.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId])).toBe(0);
    expect(readCardAnswers(sam.session.doc, { ...CARD, viewerId: sam.memberId, memberIds: [alex.memberId, sam.memberId], reader: sam.vault }).others[0]).toMatchObject({ state: 'submitted', text: null });

    // Sam shares: the deposit's reply carries Alex's box, and Alex's answer opens and matches its commitment.
    sam.vault.editDraft(samRef, 'the blue kitchen', T0 + 300);
    const samShared = sam.vault.submit(samRef, T0 + 400)!;
    const reply = await sam.session.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: samShared.record, boxes: sam.vault.escrowBoxes(samShared.key) });
    expect(reply.status).toBe('stored');
    expect(reply.releases.map((release) => Buffer.from(release.depositor).toString('hex'))).toEqual([alex.vault.deviceHex]);
    sam.vault.acceptReleases(CARD, reply.releases);
    expect(sam.vault.readOther(alexRef)).toMatchObject({ text: canary, mismatch: false });
    // The same scan as above now finds the key: it was looking in the right places.
    expect(anyKeyOpens(sam.session.doc, alexRef, keysAModifiedClientCanOpen(sam.session.doc, sam.device))).toBe(true);
    // Kept boxed to Sam's own device in the document: a reload opens it without the relay.
    const reloaded = new AnswerVault(sam.session.doc, { roomId: sam.session.roomId, memberId: sam.memberId, device: sam.device });
    expect(reloaded.readOther(alexRef).text).toBe(canary);
  });

  it('SEALED-17 a modified client that deposits a made-up commitment gets the key (the relay cannot tell), and the author\'s device is shown the deposit with no shared answer', async () => {
    const relay = await harness.relay();
    const { secret, alex, sam, alexRef, samRef } = await openSealedRoom(relay.wsUrl);
    alex.vault.editDraft(alexRef, 'what I would not say first', T0);
    const shared = alex.vault.submit(alexRef, T0 + 1)!;
    const slotTag = deriveSlotTag(secret, String(CARD.session), CARD.cardId);
    await alex.session.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: shared.record, boxes: alex.vault.escrowBoxes(shared.key) });
    // Sam's client commits to nothing real and shares nothing in the room, but deposits.
    const peek = await sam.session.depositEscrow({ slotTag, kind: 'answer', lifetimeDays: 60, record: new Uint8Array(96).fill(9), boxes: [] });
    expect(peek.releases.length).toBe(1);
    // Alex's device reads the slot: Sam's deposit is listed (with no box for Alex), and Sam's card says so.
    const read = await alex.session.readEscrow(slotTag);
    expect(read.releases.map((release) => [Buffer.from(release.depositor).toString('hex'), release.box.length])).toEqual([[Buffer.from(sam.device.publicKey).toString('hex'), 0]]);
    alex.vault.acceptReleases(CARD, read.releases);
    expect(alex.vault.readOther(samRef)).toMatchObject({ state: 'none', peeked: true });
  });

  it('SEALED-16 the relay\'s data files (SQLite) between the two deposits, with the invite link, open no draft and no answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'seen-sealed-dump-'));
    try {
      await expectDumpOpensNothing(await harness.relay({ dataDir }), () => filesUnder(dataDir));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('SEALED-16 PostgreSQL\'s files (heap and WAL) between the two deposits, with the invite link, open no draft and no answer', async () => {
    const postgres = await startPostgres();
    try {
      await expectDumpOpensNothing(await harness.relay({ customStorage: await createPostgresStorage({ connectionString: postgres.connectionString }) }), () => filesUnder(postgres.dataDir));
    } finally {
      await postgres.remove();
    }
  }, 60_000);
});
