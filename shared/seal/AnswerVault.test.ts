import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { boxForDevice, deriveDeviceBoxKeyPair, generateAnswerKey, signCommitment } from '../crypto/index.ts';
import { answerMap, editDraft as editClearDraft, joinKey, lookEarly, readAnswer, readCardAnswers, RootKey, rootMap, startSession, submitAnswer as submitClearAnswer } from '../doc/index.ts';
import { T0 } from '../doc/testRoom.ts';
import { toHex } from '../protocol/index.ts';
import { waitFor } from '../testing/index.ts';
import { approvedSecondDevice, createSealedCouple, openDevice, storedBytes, syncAll } from './testVaults.ts';

const CARD = { session: 1, cardId: 'p-01' };
const ALEX_CANARY = 'ALEX-CANARY-walks-in-october';
const SAM_CANARY = 'SAM-CANARY-the-blue-kitchen';

function startCard(doc: Y.Doc): void {
  startSession(doc, { number: 1, seed: 's', cardIds: [CARD.cardId], maxLevel: 1, thenAndNow: null, memberId: 'x', now: T0 });
}

function couple() {
  const { alex, sam } = createSealedCouple();
  startCard(alex.doc);
  syncAll(alex.doc, sam.doc);
  const memberIds = [alex.memberId, sam.memberId];
  const view = (device: typeof alex) => readCardAnswers(device.doc, { ...CARD, viewerId: device.memberId, memberIds, reader: device.vault });
  return { alex, sam, memberIds, view, alexRef: { ...CARD, memberId: alex.memberId }, samRef: { ...CARD, memberId: sam.memberId } };
}

describe('sealed drafts (SEALED-6)', () => {
  it('SEALED-6: the partner device stores only ciphertext of a draft, and sees only that someone is writing', () => {
    const { alex, sam, view, alexRef } = couple();
    for (let i = 1; i <= ALEX_CANARY.length; i++) alex.vault.editDraft(alexRef, ALEX_CANARY.slice(0, i), T0 + i);
    syncAll(alex.doc, sam.doc);
    expect(view(alex).mine.text).toBe(ALEX_CANARY);
    expect(storedBytes(sam.doc).includes(ALEX_CANARY.slice(0, 8))).toBe(false);
    const forSam = view(sam).others[0]!;
    expect(forSam).toMatchObject({ state: 'writing', text: null });
    // Folded saves keep the text: more keystrokes than the compaction threshold, still one draft.
    expect((answerMap(alex.doc, alexRef)!.get('sealedDraft') as Y.Array<Uint8Array>).length).toBeLessThan(64);
  });

  it('SEALED-6: two devices of one member typing at once merge their drafts; a new device waits for approval first (SEALED-7)', () => {
    const { alex, sam, alexRef } = couple();
    const laptop = openDevice(new Y.Doc(), alex.memberId);
    syncAll(alex.doc, sam.doc, laptop.doc);
    expect(laptop.vault.enroll(T0)).toBe('waiting-for-own-device');
    syncAll(alex.doc, sam.doc, laptop.doc);
    alex.vault.enroll(T0);
    syncAll(alex.doc, laptop.doc);
    // Not approved: no member secret was boxed to it, so it cannot write or read the drafts.
    expect(laptop.vault.canWrite()).toBe(false);
    expect(alex.vault.devices.pending().map((device) => device.deviceHex)).toEqual([laptop.vault.deviceHex]);
    expect(alex.vault.approveDevice(laptop.vault.deviceHex, T0)).toBe(true);
    syncAll(alex.doc, laptop.doc, sam.doc);
    expect(laptop.vault.canWrite()).toBe(true);
    alex.vault.editDraft(alexRef, 'I love our walks.', T0);
    syncAll(alex.doc, laptop.doc);
    alex.vault.editDraft(alexRef, 'I love our long walks.', T0 + 1);
    laptop.vault.editDraft(alexRef, 'I love our walks. Especially in autumn.', T0 + 1);
    syncAll(alex.doc, laptop.doc, sam.doc);
    expect(alex.vault.readOwn(alexRef).text).toBe('I love our long walks. Especially in autumn.');
    expect(laptop.vault.readOwn(alexRef).text).toBe('I love our long walks. Especially in autumn.');
    expect(storedBytes(sam.doc).includes('autumn')).toBe(false);
  });

  it('SEALED-7: a device another member approves (every own device lost) gets in with a fresh secret, never the old one', () => {
    const { alex, sam, alexRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    const newPhone = openDevice(new Y.Doc(), alex.memberId);
    syncAll(alex.doc, sam.doc, newPhone.doc);
    expect(newPhone.vault.enroll(T0)).toBe('waiting-for-own-device');
    syncAll(sam.doc, newPhone.doc);
    expect(sam.vault.approveDevice(newPhone.vault.deviceHex, T0)).toBe(true);
    syncAll(sam.doc, newPhone.doc, alex.doc);
    alex.vault.enroll(T0 + 1);
    syncAll(sam.doc, newPhone.doc, alex.doc);
    expect(newPhone.vault.enroll(T0 + 2)).toBe('ready');
    syncAll(sam.doc, newPhone.doc, alex.doc);
    // Alex's old device did not box its secret to a device it did not approve.
    expect(rootMap(alex.doc, RootKey.MemberKeys).get(joinKey(alex.memberId, newPhone.vault.deviceHex))).toMatchObject({ from: newPhone.vault.deviceHex });
    expect(newPhone.vault.readOwn(alexRef).text).toBe('');
    // It writes as Alex from here on, and Sam's escrow boxes now go to it too.
    expect(sam.vault.boxesForOthers(generateAnswerKey()).map((box) => toHex(box.recipient)).sort()).toEqual([alex.vault.deviceHex, newPhone.vault.deviceHex].sort());
  });

  it('SEALED-7: a device that signs itself in as an existing member without approval gets nothing boxed', () => {
    const { alex, sam, alexRef } = couple();
    // Someone with the invite link writes a record claiming to be one of Alex's devices.
    const intruder = openDevice(new Y.Doc(), alex.memberId);
    syncAll(alex.doc, intruder.doc);
    intruder.vault.enroll(T0);
    syncAll(alex.doc, sam.doc, intruder.doc);
    alex.vault.enroll(T0 + 1);
    sam.vault.editDraft({ ...CARD, memberId: sam.memberId }, SAM_CANARY, T0);
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    syncAll(alex.doc, sam.doc, intruder.doc);
    expect(rootMap(alex.doc, RootKey.MemberKeys).has(joinKey(alex.memberId, intruder.vault.deviceHex))).toBe(false);
    expect(intruder.vault.readOwn(alexRef).text).toBe('');
    // Nor is an answer key boxed to it: Sam's escrow boxes go to Alex's approved device only.
    expect(sam.vault.boxesForOthers(generateAnswerKey()).map((box) => toHex(box.recipient))).toEqual([alex.vault.deviceHex]);
  });
});

describe('sealed answers and their release (SEALED-8..11)', () => {
  it('SEALED-8, SEALED-10: a shared answer stays closed to the partner until the partner commits; then the author device releases it', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    expect(alex.vault.submit(alexRef, T0 + 1)).not.toBeNull();
    syncAll(alex.doc, sam.doc);
    expect(storedBytes(sam.doc).includes(ALEX_CANARY.slice(0, 8))).toBe(false);
    expect(alex.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId])).toBe(0);
    expect(view(sam).others[0]).toMatchObject({ state: 'submitted', text: null, opening: false });
    // Sam commits: Sam's own view waits for the key ("opening"), until Alex's device releases it.
    sam.vault.editDraft(samRef, SAM_CANARY, T0 + 2);
    sam.vault.submit(samRef, T0 + 3);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ state: 'submitted', text: null, opening: true });
    expect(alex.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId])).toBe(1);
    expect(sam.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId])).toBe(1);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ text: ALEX_CANARY, mismatch: false });
    expect(view(alex).others[0]).toMatchObject({ text: SAM_CANARY, mismatch: false });
    expect(view(alex).mine.text).toBe(ALEX_CANARY);
    // Released once: a second pass writes nothing.
    expect(alex.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId])).toBe(0);
  });

  it('SEALED-8: sharing through WebCrypto writes one signed record even when clicked twice, and the second sharer\'s device releases its key in the same breath', async () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    expect(alex.vault.share(alexRef, T0 + 1)).not.toBeNull();
    await alex.vault.share(alexRef, T0 + 1);
    syncAll(alex.doc, sam.doc);
    sam.vault.editDraft(samRef, SAM_CANARY, T0 + 2);
    expect(sam.vault.share({ ...CARD, memberId: 'someone-else' }, T0 + 3)).toBeNull();
    const [first, second] = await Promise.all([sam.vault.share(samRef, T0 + 3), sam.vault.share(samRef, T0 + 3)]);
    expect(first).not.toBeNull();
    expect(second!.record).toEqual(first!.record);
    // Right after sharing, Sam's device boxes Sam's key to Alex, who committed already.
    expect(sam.vault.releaseToCommitted(CARD)).toBe(1);
    syncAll(alex.doc, sam.doc);
    expect(view(alex).others[0]).toMatchObject({ text: SAM_CANARY, mismatch: false });
    expect(alex.vault.releaseToCommitted(CARD)).toBe(1);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ text: ALEX_CANARY, mismatch: false });
    // Nothing to share (an empty draft) is known at once.
    expect(sam.vault.share({ session: 1, cardId: 'p-02', memberId: sam.memberId }, T0)).toBeNull();
  });

  it('SEALED-10: a partner\'s signed answer is checked as it arrives, and the listener (the app\'s peer release) hears of it before any read', async () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    sam.vault.editDraft(samRef, SAM_CANARY, T0);
    sam.vault.submit(samRef, T0 + 1);
    // After the room's first load (prepare), arrivals are checked one by one.
    await sam.vault.prepare();
    let heard = 0;
    const stop = sam.vault.onCommitmentsChecked(() => {
      heard++;
      sam.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId]);
    });
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0 + 2);
    alex.vault.submit(alexRef, T0 + 3);
    syncAll(alex.doc, sam.doc);
    await waitFor(() => heard > 0, { what: 'the checked commitment' });
    stop();
    syncAll(alex.doc, sam.doc);
    // Sam's device released on hearing it: Alex reads Sam's answer without Sam's app doing anything more.
    expect(view(alex).others[0]).toMatchObject({ text: SAM_CANARY, mismatch: false });
  });

  it('SEALED-9: keys from the escrow open the answer, survive a reload and reach the member\'s other device', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    const shared = alex.vault.submit(alexRef, T0 + 1)!;
    const boxes = alex.vault.boxesForOthers(shared.key);
    expect(boxes.map((box) => toHex(box.recipient))).toEqual([sam.vault.deviceHex]);
    syncAll(alex.doc, sam.doc);
    sam.vault.editDraft(samRef, 'mine', T0 + 2);
    sam.vault.submit(samRef, T0 + 3);
    // What the relay hands Sam's device in the reply to its deposit.
    expect(sam.vault.acceptReleases(CARD, [{ depositor: alex.keys.publicKey, record: shared.record, box: boxes[0]!.box }])).toBe(1);
    expect(view(sam).others[0]?.text).toBe(ALEX_CANARY);
    const reloaded = openDevice(sam.doc, sam.memberId, sam.keys);
    expect(reloaded.vault.readOther(alexRef).text).toBe(ALEX_CANARY);
  });

  it('SEALED-13: a shared answer survives another of the member\'s devices creating the same answer entry while apart (either entry kept)', () => {
    for (const laptopEntryKept of [true, false]) {
      const { alex, sam, view, alexRef, samRef, memberIds } = couple();
      const laptop = approvedSecondDevice(alex, sam.doc);
      // Yjs keeps the entry of one client id: try both.
      laptop.doc.clientID = laptopEntryKept ? alex.doc.clientID + 1 : alex.doc.clientID - 1;
      // Apart: the phone shares (and would deposit the key), the laptop starts a draft of the same card.
      alex.vault.editDraft(alexRef, ALEX_CANARY, T0 + 1);
      expect(alex.vault.submit(alexRef, T0 + 2)).not.toBeNull();
      laptop.vault.editDraft(alexRef, 'typed on the laptop', T0 + 3);
      syncAll(alex.doc, laptop.doc, sam.doc);
      syncAll(alex.doc, laptop.doc, sam.doc);
      for (const doc of [alex.doc, laptop.doc, sam.doc]) expect(readAnswer(doc, alexRef).submittedAt).toBe(T0 + 2);
      sam.vault.editDraft(samRef, SAM_CANARY, T0 + 4);
      sam.vault.submit(samRef, T0 + 5);
      syncAll(alex.doc, laptop.doc, sam.doc);
      alex.vault.releaseToPeers([CARD], memberIds);
      syncAll(alex.doc, laptop.doc, sam.doc);
      expect(view(sam).others[0]).toMatchObject({ state: 'submitted', text: ALEX_CANARY, mismatch: false });
      expect(laptop.vault.readOwn(alexRef).text).toBe(ALEX_CANARY);
    }
  });

  it('SEALED-11: a wrong key, a swapped ciphertext and a commitment signed by another member are shown as a mismatch, never as text', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    alex.vault.submit(alexRef, T0 + 1);
    sam.vault.editDraft(samRef, 'mine', T0 + 2);
    sam.vault.submit(samRef, T0 + 3);
    syncAll(alex.doc, sam.doc);
    // Alex's device boxes a key that is not the answer's.
    const samDevice = sam.vault.devices.get(sam.vault.deviceHex)!;
    const wrong = boxForDevice(generateAnswerKey(), samDevice.boxKey, deriveDeviceBoxKeyPair(alex.keys.secretKey).secretKey);
    rootMap(alex.doc, RootKey.KeyBoxes).set(`${joinKey(1, CARD.cardId, alex.memberId, 0, sam.vault.deviceHex)}/${alex.vault.deviceHex}`, wrong);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ text: null, mismatch: true });
    // Sam's device rewrites Alex's record with its own signature: not Alex's commitment.
    const sealed = answerMap(sam.doc, alexRef)!.get('sealed') as Record<string, unknown>;
    const forged = signCommitment({ sessionId: '1', cardId: CARD.cardId, memberId: alex.memberId, revision: 0 }, sealed.commitment as Uint8Array, sam.keys.secretKey);
    answerMap(sam.doc, alexRef)!.set('sealed', { ...sealed, signer: sam.vault.deviceHex, signature: forged });
    expect(view(sam).others[0]).toMatchObject({ text: null, mismatch: true });
  });

  it('answers written in clear before sealed answers still read as before', () => {
    const { alex, sam, view, memberIds } = couple();
    editClearDraft(alex.doc, { ...CARD, memberId: alex.memberId, text: 'old answer', now: T0 });
    submitClearAnswer(alex.doc, { ...CARD, memberId: alex.memberId, now: T0 });
    editClearDraft(sam.doc, { ...CARD, memberId: sam.memberId, text: 'old draft', now: T0 });
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]?.state).toBe('submitted');
    expect(sam.vault.readOwn({ ...CARD, memberId: sam.memberId }).text).toBe('old draft');
    // The next edit moves the draft into the sealed saves and clears the text in clear.
    sam.vault.editDraft({ ...CARD, memberId: sam.memberId }, 'old draft, now sealed', T0 + 1);
    sam.vault.submit({ ...CARD, memberId: sam.memberId }, T0 + 2);
    syncAll(alex.doc, sam.doc);
    expect(storedBytes(alex.doc).includes('old draft')).toBe(false);
    expect(view(sam).others[0]?.text).toBe('old answer');
    expect(readCardAnswers(sam.doc, { ...CARD, viewerId: sam.memberId, memberIds, reader: sam.vault }).mine.text).toBe('old draft, now sealed');
  });
});

describe('strict release and removed devices (SEALED-14, SEALED-15)', () => {
  it('SEALED-14: in strict release no key is deposited, so a relay releasing everything early has nothing; peer release still opens it', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    expect(alex.vault.setPrefs({ strictRelease: true })).toBe(true);
    syncAll(alex.doc, sam.doc);
    expect(alex.vault.readPrefs().strictRelease).toBe(true);
    // Sam's device cannot read Alex's settings, and its own stay its own.
    expect(sam.vault.readPrefs().strictRelease).toBe(false);
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    const shared = alex.vault.submit(alexRef, T0 + 1)!;
    const deposited = alex.vault.escrowBoxes(shared.key);
    expect(deposited).toEqual([]);
    // A relay that hands Sam every box in the slot before Sam answers: there is none of Alex's.
    expect(sam.vault.acceptReleases(CARD, deposited.map((box) => ({ depositor: alex.keys.publicKey, record: shared.record, box: box.box })))).toBe(0);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]?.text).toBeNull();
    // Settings someone else wrote in Alex's name do not open: Alex's device fails closed.
    rootMap(sam.doc, RootKey.MemberPrefs).set(alex.memberId, new Uint8Array(64));
    syncAll(alex.doc, sam.doc);
    expect(alex.vault.readPrefs().strictRelease).toBe(true);
    sam.vault.editDraft(samRef, 'mine', T0 + 2);
    sam.vault.submit(samRef, T0 + 3);
    syncAll(alex.doc, sam.doc);
    alex.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId]);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]?.text).toBe(ALEX_CANARY);
  });

  it('SEALED-15: a removed device gets no new keys, reads nothing written after, and its approvals stop counting', () => {
    const { alex, sam, alexRef } = couple();
    const laptop = approvedSecondDevice(alex, sam.doc);
    alex.vault.editDraft(alexRef, 'before the phone was lost', T0);
    syncAll(alex.doc, sam.doc, laptop.doc);
    expect(laptop.vault.readOwn(alexRef).text).toBe('before the phone was lost');
    // The laptop is lost; before it is removed, it lets another device in as Alex.
    const stranger = openDevice(new Y.Doc(), alex.memberId);
    syncAll(laptop.doc, stranger.doc);
    stranger.vault.enroll(T0);
    syncAll(laptop.doc, stranger.doc);
    expect(laptop.vault.approveDevice(stranger.vault.deviceHex, T0)).toBe(true);
    syncAll(alex.doc, sam.doc, laptop.doc, stranger.doc);
    expect(alex.vault.removeDevice(laptop.vault.deviceHex)).toBe(true);
    // Sam's device cannot remove Alex's devices.
    expect(sam.vault.removeDevice(alex.vault.deviceHex)).toBe(false);
    syncAll(alex.doc, sam.doc, laptop.doc, stranger.doc);
    expect(sam.vault.devices.removed().map((device) => device.deviceHex)).toEqual([laptop.vault.deviceHex]);
    // The stranger's approval came from the removed laptop: it waits again.
    expect(sam.vault.devices.get(stranger.vault.deviceHex)).toBeNull();
    expect(sam.vault.boxesForOthers(generateAnswerKey()).map((box) => toHex(box.recipient))).toEqual([alex.vault.deviceHex]);
    // Alex writes on after the removal: the phone reads old and new, the laptop neither the new draft.
    alex.vault.editDraft(alexRef, 'before the phone was lost, and after', T0 + 1);
    syncAll(alex.doc, sam.doc, laptop.doc, stranger.doc);
    expect(alex.vault.readOwn(alexRef).text).toBe('before the phone was lost, and after');
    expect(openDevice(alex.doc, alex.memberId, alex.keys).vault.readOwn(alexRef).text).toBe('before the phone was lost, and after');
    expect(openDevice(laptop.doc, alex.memberId, laptop.keys).vault.readOwn(alexRef).text).not.toContain('and after');
  });
});

describe('deposits that match no shared answer (SEALED-17)', () => {
  it('SEALED-17: a deposit with no shared answer shows as peeked; a shared answer other than the deposited commitment is a mismatch', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    alex.vault.submit(alexRef, T0 + 1);
    syncAll(alex.doc, sam.doc);
    // Sam's modified client deposits a commitment to something else and shares nothing in the room.
    const fake = new Uint8Array(96).fill(7);
    alex.vault.acceptReleases(CARD, [{ depositor: sam.keys.publicKey, record: fake, box: new Uint8Array(0) }]);
    expect(view(alex).others[0]).toMatchObject({ state: 'none', peeked: true });
    // Later it shares an answer that is not the one it deposited: not shown, kept as evidence.
    sam.vault.editDraft(samRef, 'something else', T0 + 2);
    sam.vault.submit(samRef, T0 + 3);
    syncAll(alex.doc, sam.doc);
    sam.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId]);
    syncAll(alex.doc, sam.doc);
    expect(view(alex).others[0]).toMatchObject({ state: 'submitted', text: null, mismatch: true });
  });

  it('SEALED-17: an honest deposit (the same commitment as the shared answer) changes nothing', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    alex.vault.submit(alexRef, T0 + 1);
    sam.vault.editDraft(samRef, SAM_CANARY, T0 + 2);
    const samShared = sam.vault.submit(samRef, T0 + 3)!;
    syncAll(alex.doc, sam.doc);
    alex.vault.acceptReleases(CARD, [{ depositor: sam.keys.publicKey, record: samShared.record, box: new Uint8Array(0) }]);
    sam.vault.releaseToPeers([CARD], [alex.memberId, sam.memberId]);
    syncAll(alex.doc, sam.doc);
    expect(view(alex).others[0]).toMatchObject({ text: SAM_CANARY, mismatch: false, peeked: false });
  });
});

describe('see it anyway (SEALED-18)', () => {
  it('SEALED-18: only an answer its author released early can be opened before answering, and the author sees who did', () => {
    const { alex, sam, view, alexRef, samRef } = couple();
    alex.vault.editDraft(alexRef, ALEX_CANARY, T0);
    alex.vault.submit(alexRef, T0 + 1);
    syncAll(alex.doc, sam.doc);
    // Not released early: nothing to open, and marking a look changes nothing.
    expect(view(sam).others[0]).toMatchObject({ state: 'submitted', text: null, openableEarly: false });
    lookEarly(sam.doc, { ...CARD, viewerId: sam.memberId, authorId: alex.memberId, now: T0 + 2 });
    expect(view(sam).others[0]?.text).toBeNull();
    rootMap(sam.doc, RootKey.EarlyLooks).clear();
    // Alex lets the others open it: Sam may, and does.
    expect(alex.vault.releaseEarly(CARD)).toBe(1);
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ text: null, openableEarly: true });
    expect(view(alex).seenEarlyBy).toEqual([]);
    lookEarly(sam.doc, { ...CARD, viewerId: sam.memberId, authorId: alex.memberId, now: T0 + 3 });
    syncAll(alex.doc, sam.doc);
    expect(view(sam).others[0]).toMatchObject({ text: ALEX_CANARY, openableEarly: false });
    expect(view(alex).seenEarlyBy).toEqual([sam.memberId]);
    // Sam's own draft stays sealed from Alex all the while.
    sam.vault.editDraft(samRef, SAM_CANARY, T0 + 4);
    syncAll(alex.doc, sam.doc);
    expect(storedBytes(alex.doc).includes(SAM_CANARY.slice(0, 8))).toBe(false);
  });
});
