import nacl from 'tweetnacl';
import { concatBytes, toHex } from '../protocol/index.ts';

const BOX_KEY_BYTES = nacl.box.publicKeyLength;

/**
 * Boxes between this device and the room's other devices, the same bytes as `boxForDevice` and
 * `openDeviceBox` (PROTOCOL.md §1 `box`), with each pair's X25519 shared key computed once: the
 * scalar multiplication costs about a millisecond, the box after it microseconds. Sharing an
 * answer boxes its key to every other device, and reading a release opens one and boxes it again to
 * the member's own devices — on the path of the reveal, where only the first use should pay.
 */
export class DeviceBoxer {
  private readonly sharedKeys = new Map<string, Uint8Array>();

  constructor(private readonly secretKey: Uint8Array) {}

  /** Computes the shared keys with these devices now (at an idle moment), so later boxes are cheap. */
  warm(peerBoxKeys: readonly Uint8Array[]): void {
    for (const peer of peerBoxKeys) this.sharedKey(peer);
  }

  isWarm(peerBoxKey: Uint8Array): boolean {
    return this.sharedKeys.has(toHex(peerBoxKey));
  }

  box(payload: Uint8Array, recipientBoxKey: Uint8Array): Uint8Array {
    const nonce = nacl.randomBytes(nacl.box.nonceLength);
    return concatBytes([nonce, nacl.box.after(payload, nonce, this.sharedKey(recipientBoxKey))]);
  }

  open(box: Uint8Array, senderBoxKey: Uint8Array): Uint8Array | null {
    if (box.length < nacl.box.nonceLength + nacl.box.overheadLength || senderBoxKey.length !== BOX_KEY_BYTES) return null;
    return nacl.box.open.after(box.subarray(nacl.box.nonceLength), box.subarray(0, nacl.box.nonceLength), this.sharedKey(senderBoxKey));
  }

  private sharedKey(peer: Uint8Array): Uint8Array {
    const id = toHex(peer);
    let shared = this.sharedKeys.get(id);
    if (!shared) {
      shared = nacl.box.before(peer, this.secretKey);
      this.sharedKeys.set(id, shared);
    }
    return shared;
  }
}
