import type * as Y from 'yjs';
import nacl from 'tweetnacl';
import {
  approvalTranscript,
  deviceRecordTranscript,
  DEVICE_BOX_KEY_BYTES,
  memberIdForDevice,
  removalTranscript,
  signDeviceApproval,
  signDeviceRecord,
  signDeviceRemoval,
} from '../crypto/answerKeys.ts';
import { ed25519VerifyDetached } from '../crypto/webCryptoEd25519.ts';
import { localOrigin, RootKey, rootMap } from '../doc/index.ts';
import { isRecord, readFiniteNumber, readString } from '../doc/parse.ts';
import { fromHex, toHex } from '../protocol/index.ts';

/** A device of the room, as its own signature describes it (SPEC SEALED-6). */
export interface RoomDevice {
  readonly deviceHex: string;
  readonly publicKey: Uint8Array;
  readonly memberId: string;
  readonly boxKey: Uint8Array;
  readonly addedAt: number;
  /** The device that approved this one (SEALED-7); null for a member's first device. */
  readonly approvedBy: string | null;
  /**
   * The member's first device, or approved (in a chain) by the member's own devices: these share
   * the member secret. A device another member approved (the member lost every device) starts
   * with a secret of its own and never receives the old one.
   */
  readonly inMemberLine: boolean;
}

interface SignedRecord extends Omit<RoomDevice, 'inMemberLine'> {
  readonly approvalSignature: Uint8Array | null;
}

interface SignatureCheck {
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
}

const SIGNATURE_BYTES = 64;

interface Evaluation {
  readonly trusted: RoomDevice[];
  readonly pending: RoomDevice[];
  readonly removed: RoomDevice[];
}

const DEVICE_HEX = /^[0-9a-f]{64}$/;
const MAX_MEMBER_ID_LENGTH = 200;

/**
 * The room's device list (SEALED-6, SEALED-7). A record counts only when signed by the device's own
 * key, and belongs to its member only when the device is that member's first device (the member id
 * is derived from its key) or was approved by a device that belongs. So nobody holding the invite
 * link can add a device in an existing member's name. Members from before this rule (random ids)
 * keep every self-signed device, as they always had. Signature checks are cached: Ed25519 costs
 * milliseconds.
 */
export class DeviceList {
  private readonly verified = new Map<string, boolean>();
  /** While `prepare` runs: the signature checks an evaluation needs, to verify off the main thread. */
  private collecting: Map<string, SignatureCheck> | null = null;
  /** The list as last evaluated; dropped whenever the devices map changes. */
  private evaluated: Evaluation | null = null;
  private readonly forget = (): void => {
    this.evaluated = null;
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly roomId: string,
  ) {
    rootMap(doc, RootKey.Devices).observe(this.forget);
    rootMap(doc, RootKey.Removals).observe(this.forget);
  }

  destroy(): void {
    rootMap(this.doc, RootKey.Devices).unobserve(this.forget);
    rootMap(this.doc, RootKey.Removals).unobserve(this.forget);
  }

  /** Every device that belongs to its member. */
  all(): RoomDevice[] {
    return this.evaluate().trusted;
  }

  get(deviceHex: string): RoomDevice | null {
    return this.all().find((device) => device.deviceHex === deviceHex) ?? null;
  }

  /** A device on the list or removed from it: what it boxed before is still worth trying (keys are checked against commitments). */
  known(deviceHex: string): RoomDevice | null {
    return this.get(deviceHex) ?? this.removed().find((device) => device.deviceHex === deviceHex) ?? null;
  }

  ofMember(memberId: string): RoomDevice[] {
    return this.all().filter((device) => device.memberId === memberId);
  }

  /** Devices that signed a record for an existing member but are not approved (yet): they wait. */
  pending(): RoomDevice[] {
    return this.evaluate().pending;
  }

  /** Devices their member removed (SEALED-15): nothing is boxed to them, nothing they sign counts. */
  removed(): RoomDevice[] {
    return this.evaluate().removed;
  }

  /** Removes a device of the remover's own member (a lost phone), signed by the remover (SEALED-15). */
  remove(deviceHex: string, remover: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }): boolean {
    const target = this.get(deviceHex);
    const removerDevice = this.get(toHex(remover.publicKey));
    if (!target || !removerDevice || removerDevice.memberId !== target.memberId || removerDevice.deviceHex === deviceHex) return false;
    const signature = signDeviceRemoval(this.roomId, target.memberId, target.publicKey, remover.secretKey);
    this.doc.transact(() => rootMap(this.doc, RootKey.Removals).set(deviceHex, { by: removerDevice.deviceHex, signature }), localOrigin('device'));
    return true;
  }

  /** Whether this device's own record for this member is in the document (signed, whatever its approval). */
  hasOwnRecord(deviceHex: string, memberId: string): boolean {
    return this.signedRecords().some((record) => record.deviceHex === deviceHex && record.memberId === memberId);
  }

  /** Writes this device's record (again, if it changed): the member it speaks for and its box key. */
  publish(options: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array; readonly memberId: string; readonly boxKey: Uint8Array; readonly now: number }): void {
    const deviceHex = toHex(options.publicKey);
    const current = this.signedRecords().find((record) => record.deviceHex === deviceHex);
    if (current && current.memberId === options.memberId && toHex(current.boxKey) === toHex(options.boxKey)) return;
    const signature = signDeviceRecord(this.roomId, options.memberId, options.boxKey, options.secretKey);
    this.doc.transact(
      () => rootMap(this.doc, RootKey.Devices).set(deviceHex, { memberId: options.memberId, boxKey: options.boxKey, addedAt: current?.addedAt ?? options.now, signature }),
      localOrigin('device'),
    );
  }

  /**
   * Approves a waiting device (SEALED-7): by one of its member's own devices, or — when the member
   * lost every device — by another member's, which lets it in without the member's old secret.
   * False if the approver is not on the list or the device is not waiting.
   */
  approve(deviceHex: string, approver: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }): boolean {
    const waiting = this.pending().find((device) => device.deviceHex === deviceHex);
    const approverDevice = this.get(toHex(approver.publicKey));
    if (!waiting || !approverDevice) return false;
    const devices = rootMap(this.doc, RootKey.Devices);
    const value = devices.get(deviceHex);
    if (!isRecord(value)) return false;
    const approval = signDeviceApproval(this.roomId, waiting.memberId, waiting.publicKey, waiting.boxKey, approver.secretKey);
    this.doc.transact(() => devices.set(deviceHex, { ...value, approvedBy: approverDevice.deviceHex, approval }), localOrigin('device'));
    return true;
  }

  private signedRecords(): SignedRecord[] {
    const records: SignedRecord[] = [];
    rootMap(this.doc, RootKey.Devices).forEach((value, deviceHex) => {
      const record = this.parse(deviceHex, value);
      if (record) records.push(record);
    });
    return records.sort((a, b) => a.addedAt - b.addedAt || (a.deviceHex < b.deviceHex ? -1 : 1));
  }

  private evaluate(): Evaluation {
    this.evaluated ??= this.evaluateNow();
    return this.evaluated;
  }

  private evaluateNow(): Evaluation {
    const records = this.signedRecords();
    const removals = this.readRemovals();
    // Removing a device also voids the approvals it signed (a stolen phone cannot let others in):
    // recompute the list until the set of removed devices no longer grows.
    let removed = new Set<string>();
    for (;;) {
      const { trusted, line } = this.trustedWithout(records, removed);
      const next = new Set<string>();
      for (const [deviceHex, removal] of removals) {
        const target = trusted.get(deviceHex);
        const remover = trusted.get(removal.by);
        if (!target || !remover || removed.has(remover.deviceHex) || remover.memberId !== target.memberId || remover.deviceHex === deviceHex) continue;
        const valid = this.checkSignature(`r:${deviceHex}:${remover.deviceHex}:${toHex(removal.signature)}`, {
          message: removalTranscript(this.roomId, target.memberId, target.publicKey),
          signature: removal.signature,
          publicKey: remover.publicKey,
        });
        if (valid) next.add(deviceHex);
      }
      if ([...next].every((deviceHex) => removed.has(deviceHex))) {
        const view = (record: SignedRecord): RoomDevice => publicView(record, line.has(record.deviceHex));
        return {
          trusted: records.filter((record) => trusted.has(record.deviceHex) && !removed.has(record.deviceHex)).map(view),
          pending: records.filter((record) => !trusted.has(record.deviceHex)).map(view),
          removed: records.filter((record) => removed.has(record.deviceHex)).map(view),
        };
      }
      removed = new Set([...removed, ...next]);
    }
  }

  private readRemovals(): Map<string, { by: string; signature: Uint8Array }> {
    const removals = new Map<string, { by: string; signature: Uint8Array }>();
    rootMap(this.doc, RootKey.Removals).forEach((value, deviceHex) => {
      if (isRecord(value) && typeof value.by === 'string' && value.signature instanceof Uint8Array) removals.set(deviceHex, { by: value.by, signature: value.signature });
    });
    return removals;
  }

  /** The devices that belong to their member, counting no approval signed by a removed device. */
  private trustedWithout(records: readonly SignedRecord[], removed: ReadonlySet<string>): { trusted: Map<string, SignedRecord>; line: Set<string> } {
    const byMember = new Map<string, SignedRecord[]>();
    for (const record of records) byMember.set(record.memberId, [...(byMember.get(record.memberId) ?? []), record]);
    const trusted = new Map<string, SignedRecord>();
    const line = new Set<string>();
    for (const [memberId, devices] of byMember) {
      const founders = devices.filter((device) => memberIdForDevice(device.publicKey) === memberId);
      // A member from before approvals (random id): every self-signed device, as before.
      for (const device of founders.length > 0 ? founders : devices) {
        trusted.set(device.deviceHex, device);
        line.add(device.deviceHex);
      }
    }
    // Approvals chain from the first devices; each round adds devices approved by one already in.
    for (let grew = true; grew; ) {
      grew = false;
      for (const device of records) {
        if (trusted.has(device.deviceHex) || !device.approvedBy || !device.approvalSignature || removed.has(device.approvedBy)) continue;
        const approver = trusted.get(device.approvedBy);
        if (!approver || !this.approvalValid(device, approver)) continue;
        trusted.set(device.deviceHex, device);
        if (approver.memberId === device.memberId && line.has(approver.deviceHex)) line.add(device.deviceHex);
        grew = true;
      }
    }
    return { trusted, line };
  }

  private approvalValid(device: SignedRecord, approver: SignedRecord): boolean {
    const signature = device.approvalSignature!;
    return this.checkSignature(`a:${device.deviceHex}:${approver.deviceHex}:${toHex(signature)}:${toHex(device.boxKey)}:${device.memberId}`, {
      message: approvalTranscript(this.roomId, device.memberId, device.publicKey, device.boxKey),
      signature,
      publicKey: approver.publicKey,
    });
  }

  /**
   * A signature, checked once (cached by `key`). While `prepare` collects, nothing is checked here:
   * the check is noted for WebCrypto and counts as valid, so every check a full evaluation needs is
   * found.
   */
  private checkSignature(key: string, check: SignatureCheck): boolean {
    let valid = this.verified.get(key);
    if (valid !== undefined) return valid;
    if (this.collecting) {
      this.collecting.set(key, check);
      return true;
    }
    valid = check.signature.length === SIGNATURE_BYTES && nacl.sign.detached.verify(check.message, check.signature, check.publicKey);
    this.verified.set(key, valid);
    return valid;
  }

  /**
   * Checks every signature of the list through WebCrypto (off the main thread in browsers) so that
   * reading the list afterwards costs no Ed25519 work on the page's thread: a room opens without
   * ~50 ms per signature on a slow phone (BENCHMARKS.md "Sealed answers").
   */
  async prepare(): Promise<void> {
    this.collecting = new Map();
    try {
      this.evaluateNow();
    } finally {
      const checks = this.collecting;
      this.collecting = null;
      const results = await Promise.all([...checks].map(async ([key, check]) => [key, await ed25519VerifyDetached(check.message, check.signature, check.publicKey)] as const));
      for (const [key, valid] of results) this.verified.set(key, valid);
      this.evaluated = null;
    }
  }

  private parse(deviceHex: string, value: unknown): SignedRecord | null {
    if (!DEVICE_HEX.test(deviceHex) || !isRecord(value)) return null;
    const memberId = readString(value.memberId, MAX_MEMBER_ID_LENGTH);
    const addedAt = readFiniteNumber(value.addedAt);
    const { boxKey, signature, approval } = value;
    if (!memberId || addedAt === null || !(boxKey instanceof Uint8Array) || boxKey.length !== DEVICE_BOX_KEY_BYTES || !(signature instanceof Uint8Array)) return null;
    const publicKey = fromHex(deviceHex);
    const valid = this.checkSignature(`d:${deviceHex}:${toHex(signature)}:${memberId}:${toHex(boxKey)}`, { message: deviceRecordTranscript(this.roomId, memberId, boxKey), signature, publicKey });
    if (!valid) return null;
    const approvedBy = typeof value.approvedBy === 'string' && DEVICE_HEX.test(value.approvedBy) ? value.approvedBy : null;
    return { deviceHex, publicKey, memberId, boxKey, addedAt, approvedBy, approvalSignature: approval instanceof Uint8Array ? approval : null };
  }
}

function publicView(record: SignedRecord, inMemberLine: boolean): RoomDevice {
  const { approvalSignature: _approval, ...device } = record;
  return { ...device, inMemberLine };
}
