/**
 * Answer-key escrow (issue 12, sealed answers): what the relay keeps so that a weekly ritual works
 * while an author is away. Everything here is opaque to the relay: a slot tag names a (session,
 * card) without saying which, a record is the member's signed commitment (or decline), a box is an
 * answer key encrypted to one device. The relay's one rule: a device receives the boxes addressed to
 * it in a slot only once its own answer deposit for that slot is stored, and never after it declined.
 */
export interface EscrowBox {
  /** The device this key is boxed to. */
  readonly recipient: Uint8Array;
  readonly box: Uint8Array;
}

export interface EscrowDeposit {
  readonly roomId: string;
  /** 16 bytes (SEALED-5): the same tag for every member of the room, one per (session, card). */
  readonly slotTag: Uint8Array;
  /** The depositing device's public key (authenticated by its connection). */
  readonly depositor: Uint8Array;
  readonly kind: 'answer' | 'decline';
  /** The signed commitment (answer) or signed decline, as the client made it. */
  readonly record: Uint8Array;
  /** Answer keys boxed to the other devices; empty for a decline. */
  readonly boxes: readonly EscrowBox[];
  /** When the relay erases the deposit (the room's escrow lifetime after the session). */
  readonly expiresAt: number;
}

/**
 * Another device's answer deposit as a device that deposited its own answer sees it: its record
 * (the signed commitment), and the box addressed to this device — empty when there is none (a
 * strict-release deposit, or a device the depositor did not box to). Seeing every record lets the
 * members check that each deposit matches an answer shared in the room (ESCROW-11).
 */
export interface EscrowRelease {
  readonly depositor: Uint8Array;
  readonly record: Uint8Array;
  readonly box: Uint8Array;
}

export type DepositOutcome =
  /** Stored now, or the same deposit again (a resend): releases are what the depositor may open now. */
  | { readonly kind: 'stored' | 'duplicate'; readonly releases: readonly EscrowRelease[] }
  /** This device already deposited something else in the slot: nothing changed. */
  | { readonly kind: 'conflict' }
  /** The room does not exist or is deleted. */
  | { readonly kind: 'deleted' };

export interface EscrowStorage {
  /**
   * In one atomic step: stores the deposit (once per room, slot and device) without its boxes for
   * revoked devices (SEALED-19: a partner whose document has not seen the removal yet still boxes
   * to it; the rest is stored as usual), then, for an answer,
   * returns every other answer deposit in that slot, with the box addressed to the depositor if any. Deposits
   * in one slot are serialized, so of two devices depositing at once the second always receives the
   * first's box in its reply.
   */
  depositEscrow(deposit: EscrowDeposit, now: number): Promise<DepositOutcome>;
  /** Other answer deposits in the slot, each with its box to `device` or none — nothing unless its own answer deposit there is stored. */
  readEscrowReleases(roomId: string, slotTag: Uint8Array, device: Uint8Array): Promise<EscrowRelease[]>;
  /** Erases deposits (and their boxes) whose time has come. Returns how many deposits. */
  expireEscrow(now: number): Promise<number>;
}
