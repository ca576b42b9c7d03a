import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { generateDeviceKeyPair, generateRoomSecret, memberIdForDevice } from '@seen/shared/crypto';
import { addMember, closeSession, createRoom, setEscrowDays, startSession } from '@seen/shared/doc';
import { toHex } from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { AnswerVault } from '@seen/shared/seal';
import { createFakeSession } from '../testing/fakeSession.ts';
import { AnswerRelease, sealedAnswerWriter } from './answerRelease.ts';
import { clearAnswerWriter } from './roomActions.ts';

const T0 = 1_750_000_000_000;
const CARD = { session: 1, cardId: 'c1' };

/** Alex's device (the one under test) and Sam's device record in one room document. */
function sealedRoom() {
  const doc = new Y.Doc();
  const alexDevice = generateDeviceKeyPair();
  const samDevice = generateDeviceKeyPair();
  const alexId = memberIdForDevice(alexDevice.publicKey);
  const samId = memberIdForDevice(samDevice.publicKey);
  createRoom(doc, { name: 'Sundays', deckId: 'partners', mode: 'weekly', seed: 's', now: T0, member: { id: alexId, name: 'Alex' } });
  startSession(doc, { number: 1, seed: 's:1', cardIds: [CARD.cardId], maxLevel: 1, thenAndNow: null, memberId: alexId, now: T0 });
  const session = createFakeSession(doc);
  const alex = new AnswerVault(doc, { roomId: session.roomId, memberId: alexId, device: alexDevice });
  alex.enroll(T0);
  addMember(doc, { id: samId, name: 'Sam', now: T0 });
  new AnswerVault(doc, { roomId: session.roomId, memberId: samId, device: samDevice }).enroll(T0);
  const release = new AnswerRelease(session, alex, generateRoomSecret());
  const writer = sealedAnswerWriter(alex, release, clearAnswerWriter(doc));
  return { doc, session, alex, release, writer, ref: { ...CARD, memberId: alexId }, samDevice, samId };
}

describe('sharing deposits the key at the escrow (SEALED-9, SEALED-14)', () => {
  it('SEALED-9: sharing deposits the answer key boxed to the partner\'s device, kept as long as the room chose', async () => {
    const { doc, session, writer, ref, samDevice } = sealedRoom();
    setEscrowDays(doc, 14);
    writer.edit(ref, 'my answer', T0);
    expect(writer.submit(ref, T0 + 1)).toBe(true);
    await waitFor(() => session.escrowDeposits.length === 1, { what: 'the deposit' });
    const [deposit] = session.escrowDeposits;
    expect(deposit).toMatchObject({ kind: 'answer', lifetimeDays: 14 });
    expect(deposit!.boxes.map((box) => toHex(box.recipient))).toEqual([toHex(samDevice.publicKey)]);
    // commitment ‖ signature: what the others' devices compare with the shared record (SEALED-17).
    expect(deposit!.record.length).toBe(96);
  });

  it('SEALED-14: in strict release the deposit carries no box; a room that chose nothing keeps keys 60 days', async () => {
    const { session, alex, writer, ref } = sealedRoom();
    alex.setPrefs({ strictRelease: true });
    writer.edit(ref, 'my answer', T0);
    writer.submit(ref, T0 + 1);
    await waitFor(() => session.escrowDeposits.length === 1, { what: 'the deposit' });
    expect(session.escrowDeposits[0]).toMatchObject({ kind: 'answer', lifetimeDays: 60, boxes: [] });
  });

  it('SEALED-9: a later visit asks the relay with a read, without depositing (boxing and signing) again', async () => {
    const { doc, session, alex, writer, ref } = sealedRoom();
    writer.edit(ref, 'my answer', T0);
    writer.submit(ref, T0 + 1);
    await waitFor(() => alex.hasDeposited(CARD), { what: 'the deposit noted' });
    expect(session.escrowDeposits).toHaveLength(1);
    // The page is opened again: a new release for the same device settles the open card.
    const reads: number[] = [];
    const later = { ...session, readEscrow: (tag: Uint8Array) => (reads.push(tag.length), session.readEscrow(tag)) };
    await new AnswerRelease(later, alex, generateRoomSecret()).settle([CARD], [ref.memberId, ...[...doc.getMap('members').keys()].filter((id) => id !== ref.memberId)]);
    expect(session.escrowDeposits).toHaveLength(1);
    expect(reads).toEqual([16]);
  });
});

describe('a pass is final when its session closes (SEALED-20)', () => {
  it('SEALED-20: while the session is open a pass deposits nothing ("Answer after all" stays free); once it closes, one decline without boxes, noted so a later visit does not sign again', async () => {
    const { doc, session, alex, release, writer, ref } = sealedRoom();
    writer.pass(ref, true, T0);
    await release.declinePassed([]);
    expect(session.escrowDeposits).toHaveLength(0);
    closeSession(doc, { number: CARD.session, memberId: ref.memberId, now: T0 + 2 });
    await release.declinePassed([CARD]);
    expect(session.escrowDeposits).toHaveLength(1);
    expect(session.escrowDeposits[0]).toMatchObject({ kind: 'decline', lifetimeDays: 60, boxes: [] });
    expect(alex.hasDeclined(CARD)).toBe(true);
    release.reconnected();
    await new AnswerRelease(session, alex, generateRoomSecret()).declinePassed([CARD]);
    expect(session.escrowDeposits).toHaveLength(1);
  });

  it('SEALED-20: a card answered after all, or never passed, is not declined', async () => {
    const { doc, session, release, writer, ref } = sealedRoom();
    writer.pass(ref, true, T0);
    writer.pass(ref, false, T0 + 1);
    writer.edit(ref, 'after all', T0 + 2);
    writer.submit(ref, T0 + 3);
    await waitFor(() => session.escrowDeposits.length === 1, { what: 'the answer\'s deposit' });
    closeSession(doc, { number: CARD.session, memberId: ref.memberId, now: T0 + 4 });
    await release.declinePassed([CARD]);
    expect(session.escrowDeposits.map((deposit) => deposit.kind)).toEqual(['answer']);
  });
});

describe('removed devices reach the relay (SEALED-19)', () => {
  it('SEALED-19: every device a member removed is revoked at the relay once per connection, never this device itself', async () => {
    const { doc, session, alex, release } = sealedRoom();
    const lost = new AnswerVault(doc, { roomId: session.roomId, memberId: alex.memberId, device: generateDeviceKeyPair() });
    lost.enroll(T0);
    expect(alex.approveDevice(lost.deviceHex, T0)).toBe(true);
    await release.revokeRemoved();
    expect(session.revokedDevices).toEqual([]);
    expect(alex.removeDevice(lost.deviceHex)).toBe(true);
    await release.revokeRemoved();
    await release.revokeRemoved();
    expect(session.revokedDevices).toEqual([lost.deviceHex]);
    release.reconnected();
    await release.revokeRemoved();
    expect(session.revokedDevices).toEqual([lost.deviceHex, lost.deviceHex]);
  });
});
