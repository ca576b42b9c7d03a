/**
 * One-time admission tickets (SEALED-21): how a sealed room still takes a member's new device. A
 * device of the room issues a ticket; the relay keeps only its hash (PROTOCOL.md §3d) until a new
 * device presents the ticket in its AUTH, or until it expires.
 */

/**
 * Unexpired tickets a room may hold at once. A fifth replaces the oldest: a member who asked for
 * several links keeps the newest ones working, and a room cannot pile up tickets.
 */
export const MAX_LIVE_TICKETS_PER_ROOM = 4;

export interface AdmissionTicketStorage {
  /**
   * In one atomic step: stores the hash of a ticket `issuedBy` made, valid until `expiresAt`, if the
   * room lives and `issuedBy` is registered there and not revoked; the room's expired tickets go, and
   * beyond MAX_LIVE_TICKETS_PER_ROOM the oldest do. The same hash again changes nothing (true).
   * Returns false when nothing was stored for a deleted room or an issuer that is not an active device.
   */
  addAdmissionTicket(roomId: string, ticketHash: Uint8Array, issuedBy: Uint8Array, now: number, expiresAt: number): Promise<boolean>;
  /**
   * Deletes the ticket if it is in the live room and unexpired at `now`, and says whether it did:
   * atomic, so of two handshakes presenting one ticket (on one relay or on several) exactly one
   * gets true.
   */
  consumeAdmissionTicket(roomId: string, ticketHash: Uint8Array, now: number): Promise<boolean>;
  /** Erases tickets expired at `now` (the relay's garbage collection). Returns how many. */
  expireAdmissionTickets(now: number): Promise<number>;
}
