// The package's public types that mirror @seen/shared's, written out here so the published type
// declarations stand alone (@seen/shared is private to the repository). They are structurally the
// same types, so values pass between the two freely.

/** The room secret: 32 random bytes, carried only in an invite link's #fragment. */
export type RoomSecret = Uint8Array;

/** An Ed25519 key pair for one device (tweetnacl's layout: 64-byte secret key). */
export interface DeviceKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface InviteError {
  readonly code: 'missing' | 'malformed' | 'wrong-length';
  /** A sentence for the person holding the link: what is wrong, and what to do. */
  readonly message: string;
}

export type InviteParse = { readonly ok: true; readonly value: RoomSecret } | { readonly ok: false; readonly error: InviteError };
