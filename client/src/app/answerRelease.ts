// Sealed answers on this device (SPEC SEALED-6..12): one AnswerVault per open room, and the release
// of answer keys through the relay's escrow (PROTOCOL.md §3b) and peer release through the document.
import { deriveSlotTag, memberIdForDevice, restoreDeviceKeyPair, type RoomSecret } from '@seen/shared/crypto';
import { readRoom, type AnswerRef, type CardRef } from '@seen/shared/doc';
import { decodeBase64Url, toHex } from '@seen/shared/protocol';
import { AnswerVault, type SharedAnswer } from '@seen/shared/seal';
import type { EscrowAnswer, RoomSession } from '@seen/sync';
import type { AnswerWriter } from './roomActions.ts';

const vaults = new WeakMap<RoomSession, AnswerVault>();

function deviceKeyPair(deviceKey: string) {
  return restoreDeviceKeyPair(decodeBase64Url(deviceKey) ?? new Uint8Array(0));
}

/** A new member's id, named after the device that joins with it (SEALED-7). */
export function memberIdForDeviceKey(deviceKey: string): string {
  return memberIdForDevice(deviceKeyPair(deviceKey).publicKey);
}

/** The vault of this device for an open room: its keys, its member, and the room document. */
export function vaultFor(session: RoomSession, memberId: string, deviceKey: string): AnswerVault {
  let vault = vaults.get(session);
  if (vault && vault.memberId === memberId) return vault;
  vault = new AnswerVault(session.doc, { roomId: session.roomId, memberId, device: deviceKeyPair(deviceKey) });
  vaults.set(session, vault);
  return vault;
}

/** The vault already made for this session, if any (history and export read with it). */
export function existingVault(session: RoomSession): AnswerVault | undefined {
  return vaults.get(session);
}

/**
 * Moves answer keys for one room session: deposits this member's key at the relay when an answer is
 * shared (so a partner who answers later can open it while this device is away), asks the relay for
 * the keys this device may open now, and boxes this member's keys to partners who have committed
 * (peer release). Every step is safe to repeat; failures wait for the next connection.
 */
export class AnswerRelease {
  /** Cards whose escrow this device has already asked about on the current connection. */
  private readonly asked = new Set<string>();
  /** Removed devices the relay was told about on the current connection. */
  private readonly revoked = new Set<string>();

  constructor(
    private readonly session: RoomSession,
    private readonly vault: AnswerVault,
    private readonly secret: RoomSecret,
  ) {}

  /** A new connection: the relay may have stored deposits since, so every card may be asked again. */
  reconnected(): void {
    this.asked.clear();
    this.revoked.clear();
  }

  /**
   * Tells the relay to forget every device a member removed (SEALED-19), once per connection: a
   * removal made offline, or on a device whose message was lost, reaches the relay at the next
   * connection of any device that sees it. Repeating it is harmless (the relay ignores a repeat).
   */
  async revokeRemoved(): Promise<void> {
    for (const device of this.vault.devices.removed()) {
      if (device.deviceHex === this.vault.deviceHex || this.revoked.has(device.deviceHex)) continue;
      this.revoked.add(device.deviceHex);
      await this.session.revokeDevice(device.publicKey).catch(() => this.revoked.delete(device.deviceHex));
    }
  }

  /** Right after sharing: deposit the key (boxed to the other members' devices, unless strict) with the commitment. */
  async deposit(card: CardRef, shared: SharedAnswer): Promise<void> {
    // Asked already: the reply to this deposit carries whatever this device may open now.
    this.asked.add(cardId(card));
    const answer = await this.session
      .depositEscrow({
        slotTag: this.slotTag(card),
        kind: 'answer',
        // The room's choice (SEALED-9): how long keys wait for those who answer later.
        lifetimeDays: readRoom(this.session.doc).escrowDays,
        record: shared.record,
        // Strict release deposits no box: the deposit only lets this device read (SEALED-14).
        boxes: this.vault.escrowBoxes(shared.key),
      })
      .catch(() => null);
    if (answer && (answer.status === 'stored' || answer.status === 'duplicate' || answer.status === 'conflict')) this.vault.noteDeposited(card);
    this.accept(card, answer);
  }

  /**
   * Settles the given cards: peer release for partners who committed, then, for each card where
   * this member shared and another member's answer is not open here yet, the relay's escrow (which
   * also lists the others' deposits, so a deposit without a shared answer shows, SEALED-17).
   */
  async settle(cards: readonly CardRef[], memberIds: readonly string[]): Promise<void> {
    this.vault.releaseToPeers(cards, memberIds);
    const waiting = cards.filter((card) => this.worthReading(card, memberIds));
    for (const card of waiting) {
      const id = cardId(card);
      if (this.asked.has(id)) continue;
      this.asked.add(id);
      if (!this.vault.hasDeposited(card)) {
        // Another of the member's devices shared, or this one's deposit never got its answer:
        // deposit from here — the same key, so the relay lets this device read; a repeat is a CONFLICT.
        const shared = this.vault.submit({ ...card, memberId: this.vault.memberId }, Date.now());
        if (shared) await this.deposit(card, shared);
      }
      if (this.worthReading(card, memberIds)) this.accept(card, await this.session.readEscrow(this.slotTag(card)).catch(() => null));
    }
  }

  /**
   * A pass becomes final when its session closes (SEALED-20): each of the member's devices deposits
   * a signed decline for the card's slot, and the relay never releases that slot's keys to it from
   * then on. Until the close, "Answer after all" stays open (a pass costs nothing).
   */
  async declinePassed(closedCards: readonly CardRef[]): Promise<void> {
    for (const card of closedCards) {
      const own = this.vault.readOwn({ ...card, memberId: this.vault.memberId });
      if (!own.passed || own.submittedAt !== null || this.vault.hasDeclined(card) || this.asked.has(declineId(card))) continue;
      this.asked.add(declineId(card));
      const answer = await this.session
        .depositEscrow({ slotTag: this.slotTag(card), kind: 'decline', lifetimeDays: readRoom(this.session.doc).escrowDays, record: new Uint8Array(0), boxes: [] })
        .catch(() => null);
      if (answer && (answer.status === 'stored' || answer.status === 'duplicate')) this.vault.noteDeclined(card);
    }
  }

  /** ESCROW_NOTICE: someone deposited in a slot; ask again if it is one of these cards. */
  async noticed(slotTag: Uint8Array, cards: readonly CardRef[], memberIds: readonly string[]): Promise<void> {
    const tag = toHex(slotTag);
    const card = cards.find((candidate) => toHex(this.slotTag(candidate)) === tag);
    if (!card) return;
    this.asked.delete(cardId(card));
    await this.settle([card], memberIds);
  }

  /** This member has shared, and some other member's answer is not open here yet (or not shared yet). */
  private worthReading(card: CardRef, memberIds: readonly string[]): boolean {
    const me = this.vault.memberId;
    if (!this.vault.readOwn({ ...card, memberId: me }).submittedAt) return false;
    return memberIds.some((memberId) => {
      if (memberId === me) return false;
      const other = this.vault.readOther({ ...card, memberId });
      return other.text === null && !other.mismatch && other.state !== 'passed';
    });
  }

  private accept(card: CardRef, answer: EscrowAnswer | null): void {
    if (answer && answer.releases.length > 0) this.vault.acceptReleases(card, answer.releases);
  }

  private slotTag(card: CardRef): Uint8Array {
    return deriveSlotTag(this.secret, String(card.session), card.cardId);
  }
}

function cardId(card: CardRef): string {
  return `${card.session}/${card.cardId}`;
}

function declineId(card: CardRef): string {
  return `decline/${cardId(card)}`;
}

/** The app's answer writer: through the vault, and each shared answer's key deposited at the relay. */
export function sealedAnswerWriter(vault: AnswerVault, release: AnswerRelease, clear: AnswerWriter): AnswerWriter {
  return {
    prepare: (ref: AnswerRef, now: number) => vault.prepareDraft(ref, now),
    // A device of a room from before sealed answers, opened offline, is not on the device list yet:
    // its draft is kept as it always was, and moves into the sealed draft at its first edit after.
    edit: (ref, text, now) => (vault.canWrite() ? void vault.editDraft(ref, text, now) : clear.edit(ref, text, now)),
    submit(ref, now, allowEarly) {
      const sharing = vault.share(ref, now);
      if (!sharing) return false;
      void sharing.then((shared) => {
        if (!shared) return;
        // The deposit first: its signature (WebCrypto) runs while this device boxes the key to
        // partners who shared already — now, not after the next render (SEALED-8).
        void release.deposit(ref, shared);
        if (allowEarly) vault.releaseEarly(ref);
        vault.releaseToCommitted(ref);
      });
      return true;
    },
    pass: (ref, passed, now) => vault.setPassed(ref, passed, now),
  };
}
