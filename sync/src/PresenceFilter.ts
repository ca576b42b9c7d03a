import { Y_MESSAGE, decodeAwarenessMessage, encodeAwarenessMessage } from './yMessages.ts';

/** Presence older than this (sender clock) is a replay or a badly skewed clock: dropped. */
export const PRESENCE_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Decides which presence messages reach the provider's Awareness. The relay cannot forge them
 * (they are sealed), but it can replay old ones, and a member's device could claim another's
 * Yjs clientID: both are dropped (SPEC SYNC-11).
 */
export class PresenceFilter {
  private readonly lastSeqBySession = new Map<string, number>();
  private readonly ownerByClientId = new Map<number, string>();

  constructor(private readonly localClientId: number) {}

  /** The awareness message to deliver from `sessionHex`, or null to drop it. */
  accept(options: { readonly sessionHex: string; readonly seq: number; readonly sentAt: number; readonly now: number; readonly message: Uint8Array }): Uint8Array | null {
    const { sessionHex, seq, sentAt, now, message } = options;
    if (seq <= (this.lastSeqBySession.get(sessionHex) ?? -1)) return null; // replay
    if (sentAt < now - PRESENCE_MAX_AGE_MS) return null; // stale replay
    this.lastSeqBySession.set(sessionHex, seq);
    if (message[0] === Y_MESSAGE.QUERY_AWARENESS && message.length === 1) return message;
    if (message[0] !== Y_MESSAGE.AWARENESS) return null;
    const entries = decodeAwarenessMessage(message);
    if (entries === null) return null;
    // A clientID belongs to the first session that announced it: nobody can speak for another.
    const allowed = entries.filter((entry) => {
      if (entry.clientId === this.localClientId) return false;
      const owner = this.ownerByClientId.get(entry.clientId);
      if (owner === undefined) this.ownerByClientId.set(entry.clientId, sessionHex);
      return owner === undefined || owner === sessionHex;
    });
    if (allowed.length === 0) return null;
    return allowed.length === entries.length ? message : encodeAwarenessMessage(allowed);
  }
}
