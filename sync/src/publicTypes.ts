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

/** A room's keys, all derived from its secret (pass them to skip deriving them again). */
export interface RoomKeys {
  /** secretbox key for envelopes. */
  readonly encryptionKey: Uint8Array;
  /** Ed25519 key pair proving possession of the invite link to the relay. */
  readonly authKeyPair: DeviceKeyPair;
  /** 16 bytes, the hash of the auth public key: the room id the relay knows. */
  readonly roomIdBytes: Uint8Array;
  /** roomIdBytes as base64url. */
  readonly roomId: string;
}

/** What a connection's handshake signs (see shared/PROTOCOL.md §4). */
export interface HandshakeSigningInput {
  readonly relayOrigin: string;
  readonly roomId: Uint8Array;
  readonly challenge: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly authSecretKey: Uint8Array;
  readonly device: DeviceKeyPair;
}

export interface HandshakeSignatures {
  readonly roomSignature: Uint8Array;
  readonly deviceSignature: Uint8Array;
}

/** Signs the handshake now or later (WebCrypto's Ed25519 answers with a Promise). */
export type HandshakeSigner = (input: HandshakeSigningInput) => HandshakeSignatures | Promise<HandshakeSignatures>;
