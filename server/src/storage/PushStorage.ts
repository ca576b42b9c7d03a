/**
 * What the relay keeps for Web Push (PROTOCOL.md §3, PUSH_SUBSCRIBE): its VAPID key pair and, per
 * room, one push subscription per registered device. None of it is content: an endpoint is a
 * browser vendor's mailbox address and the keys only let the relay encrypt the room id to it.
 */
export interface VapidKeys {
  /** base64url of the uncompressed P-256 public key (65 bytes), as browsers take it. */
  readonly publicKey: string;
  /** base64url of the private scalar (32 bytes). */
  readonly privateKey: string;
}

export interface StoredPushSubscription {
  readonly devicePublicKey: Uint8Array;
  readonly endpoint: string;
  readonly p256dh: Uint8Array;
  readonly auth: Uint8Array;
}

export interface PushStorage {
  /**
   * The relay's VAPID keys: the stored pair if there is one, else `candidate`, stored. Every relay
   * sharing a database gets the same pair (the first to store wins), so a subscription made through
   * one relay can be pushed to by any.
   */
  claimVapidKeys(candidate: VapidKeys): Promise<VapidKeys>;
  /** Keeps (or replaces) the device's subscription in the room. A deleted room, or a revoked device (SEALED-19), keeps nothing. */
  savePushSubscription(roomId: string, subscription: StoredPushSubscription, now: number): Promise<void>;
  /**
   * Forgets the device's subscription in the room; with `endpoint`, only if it is still that one
   * (a push service that said "gone" must not erase a newer subscription). True if one was removed.
   */
  removePushSubscription(roomId: string, devicePublicKey: Uint8Array, endpoint?: string): Promise<boolean>;
  listPushSubscriptions(roomId: string): Promise<StoredPushSubscription[]>;
}
