import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { DeviceBoxer } from './DeviceBoxer.ts';

describe('DeviceBoxer (PROTOCOL.md §1 box)', () => {
  it('SEALED-6: its boxes are nonce ‖ nacl.box, opened by plain tweetnacl and the other way round; a box for another device or tampered with opens to null', () => {
    const alex = nacl.box.keyPair();
    const sam = nacl.box.keyPair();
    const eve = nacl.box.keyPair();
    const secret = nacl.randomBytes(32);
    const boxer = new DeviceBoxer(alex.secretKey);
    boxer.warm([sam.publicKey, eve.publicKey]);
    const boxed = boxer.box(secret, sam.publicKey);
    expect(nacl.box.open(boxed.subarray(24), boxed.subarray(0, 24), alex.publicKey, sam.secretKey)).toEqual(secret);
    const nonce = nacl.randomBytes(24);
    const fromSam = new Uint8Array([...nonce, ...nacl.box(secret, nonce, alex.publicKey, sam.secretKey)]);
    expect(boxer.open(fromSam, sam.publicKey)).toEqual(secret);
    // The same bytes claimed to come from another device, or one bit flipped: nothing opens.
    expect(boxer.open(fromSam, eve.publicKey)).toBeNull();
    fromSam[30]! ^= 1;
    expect(boxer.open(fromSam, sam.publicKey)).toBeNull();
    expect(boxer.open(fromSam.subarray(0, 30), sam.publicKey)).toBeNull();
    expect(boxer.open(boxed, new Uint8Array(31))).toBeNull();
  });
});
