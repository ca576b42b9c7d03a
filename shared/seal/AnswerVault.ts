import * as Y from 'yjs';
import {
  deriveAnswerKey,
  deriveDeviceBoxKeyPair,
  deriveDraftKey,
  deriveMemberPrefsKey,
  generateMemberSecret,
  MEMBER_SECRET_BYTES,
  openPadded,
  sealPadded,
  type BoxKeyPair,
} from '../crypto/answerKeys.ts';
import { DeviceBoxer } from '../crypto/DeviceBoxer.ts';
import {
  ANSWER_KEY_BYTES,
  COMMITMENT_BYTES,
  computeCommitment,
  openSealedAnswer,
  sealAnswer,
  signatureTranscript,
  signCommitment,
  verifyCommitmentSignature,
  type AnswerSlot,
  type SealedAnswer,
} from '../crypto/sealedAnswer.ts';
import {
  answerMap,
  answerState,
  applyTextChange,
  joinKey,
  localOrigin,
  MAX_ANSWER_LENGTH,
  readAnswer,
  readMembers,
  RootKey,
  rootMap,
  splitKey,
  type AnswerReader,
  type AnswerRecord,
  type AnswerRef,
  type CardRef,
  type OtherAnswerReading,
  UPDATED_AT_RESOLUTION_MS,
} from '../doc/index.ts';
import { isRecord, readBoolean, readFiniteNumber, readIntInRange } from '../doc/parse.ts';
import { ed25519SignDetached, ed25519VerifyDetached } from '../crypto/webCryptoEd25519.ts';
import { concatBytes, equalBytes, toHex } from '../protocol/index.ts';
import { DeviceList, type RoomDevice } from './deviceList.ts';

/** The device a vault works for: its Ed25519 key (registered at the relay) and the member it is. */
export interface VaultIdentity {
  readonly roomId: string;
  readonly memberId: string;
  readonly device: { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };
}

/** A sealed draft waiting for its signature. */
interface PendingShare {
  readonly slot: AnswerSlot;
  readonly key: Uint8Array;
  readonly sealed: SealedAnswer;
}

/** What sharing an answer produced: enough to deposit its key at the relay's escrow (SEALED-9). */
export interface SharedAnswer {
  readonly slot: AnswerSlot;
  readonly key: Uint8Array;
  /** commitment ‖ signature: the record the escrow keeps next to the boxes. */
  readonly record: Uint8Array;
}

/** Another device's deposit as the relay's escrow lists it (PROTOCOL.md §3b): its record, and a box for this device or none. */
export interface ReleasedBox {
  readonly depositor: Uint8Array;
  /** commitment ‖ signature of the depositor's answer. */
  readonly record: Uint8Array;
  /** Empty when the depositor boxed nothing to this device. */
  readonly box: Uint8Array;
}

/** The member's own choices about sealing, shared by the member's devices and by nobody else. */
export interface MemberPrefs {
  /**
   * Release answer keys device to device only (SEALED-14): no key is deposited at the relay's escrow,
   * so a relay that released everything early would have nothing of this member's to release.
   */
  readonly strictRelease: boolean;
}

/** escrowedBy's value for a device whose answer deposit the relay stored (SEALED-9). */
const DEPOSITED = true;
/** escrowedBy's value for a device whose decline the relay stored (a final pass, SEALED-20). */
const DECLINED = 'declined';
const DEFAULT_PREFS: MemberPrefs = { strictRelease: false };
const STRICT_PREFS: MemberPrefs = { strictRelease: true };

export type EnrollState = 'ready' | 'waiting-for-own-device';
/** Before this device first wrote its record (a room from before sealed answers, opened offline). */
export type VaultState = EnrollState | 'unlisted';

/** Draft saves are folded into one when there are this many (each is a small encrypted Yjs update). */
const DRAFT_COMPACT_AT = 64;
/** The only revision the app writes: a shared answer is final (APP-3). */
const FIRST_REVISION = 0;

interface DraftCache {
  readonly doc: Y.Doc;
  /** Saves already applied, by identity (Yjs hands out the same bytes object for an item every time). */
  readonly applied: WeakSet<Uint8Array>;
}

interface SealedRecord extends SealedAnswer {
  readonly revision: number;
  readonly signer: string;
  readonly signature: Uint8Array;
}

function slotOf(ref: AnswerRef, revision = FIRST_REVISION): AnswerSlot {
  return { sessionId: String(ref.session), cardId: ref.cardId, memberId: ref.memberId, revision };
}

function parseSealed(value: unknown): SealedRecord | null {
  if (!isRecord(value)) return null;
  const { nonce, ciphertext, commitment, signature } = value;
  const version = readIntInRange(value.version, 0, 255);
  const revision = readIntInRange(value.revision, 0, 0xffffffff);
  const signer = typeof value.signer === 'string' && /^[0-9a-f]{64}$/.test(value.signer) ? value.signer : null;
  if (version === null || revision === null || !signer) return null;
  if (!(nonce instanceof Uint8Array) || !(ciphertext instanceof Uint8Array) || !(commitment instanceof Uint8Array) || !(signature instanceof Uint8Array)) return null;
  if (commitment.length !== COMMITMENT_BYTES) return null;
  return { version, revision, nonce, ciphertext, commitment, signer, signature };
}

/**
 * One device's keys to a room's answers (SPEC SEALED-6..12). Drafts are saved as encrypted Yjs
 * updates under a key derived from the member secret, which only the member's own devices hold, so
 * a partner's device stores ciphertext only; a shared answer is sealed under its own key with a
 * signed commitment; another member's answer opens only with a key boxed to this device (by its
 * author's device once this member has committed, or through the relay's escrow), and is shown only
 * if that key matches the commitment.
 */
export class AnswerVault implements AnswerReader {
  readonly devices: DeviceList;
  readonly deviceHex: string;
  private boxKeyPair: BoxKeyPair | null = null;
  private deviceBoxer: DeviceBoxer | null = null;
  /** The member's secrets, newest first: one more after each device removal (SEALED-15). */
  private memberSecrets: Uint8Array[] | null = null;
  private readonly drafts = new Map<string, DraftCache>();
  private readonly verifiedCommitments = new Map<string, boolean>();
  private readonly openedTexts = new Map<string, string | null>();
  private readonly openedBoxes = new Map<string, Uint8Array | null>();
  private readonly depositListeners = new Set<() => void>();
  /** Commitments other devices deposited at the escrow, as the relay listed them: "<n>/<card>" → depositor → commitment (SEALED-17). */
  private readonly deposits = new Map<string, Map<string, Uint8Array>>();
  /** keyBoxes entries grouped by answer and recipient ("<n>/<card>/<author>/<revision>/<recipient>"), rebuilt after a change. */
  private keyBoxIndex: Map<string, [sender: string, box: Uint8Array][]> | null = null;
  private readonly dropIndex = (): void => {
    this.keyBoxIndex = null;
  };
  /** This member's shared records by answer key, as last seen: what keepShared puts back. */
  private readonly ownShared = new Map<string, { readonly sealed: unknown; readonly submittedAt: number }>();
  /**
   * Two of the member's devices that each create an answer entry while apart (one shares, the other
   * types or passes) write two maps under one key, and Yjs keeps only one of them. If the kept one
   * lacks the shared record, a device that saw it writes it back: otherwise the answer is lost
   * after its key was deposited and other members' keys were received for it (SEALED-13).
   */
  private readonly keepShared = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const keys = new Set<string>();
    for (const event of events) {
      if (event.path.length > 0) keys.add(String(event.path[0]));
      else if (event instanceof Y.YMapEvent) for (const key of event.keysChanged) keys.add(key);
    }
    this.keepOwnShared(keys);
    // Other members' answers as they arrive: their signatures are checked now, off the page's thread,
    // and whoever listens (the app's peer release) hears of it without waiting for a render.
    // Before `prepare` (the room's first load) its own pass checks everything, and nothing is released.
    if (!this.prepared) return;
    const others = [...keys].filter((key) => splitKey(key)[2] !== this.memberId);
    const checks = this.checkCommitments(others);
    if (checks.length > 0) void Promise.all(checks).then(() => this.commitmentListeners.forEach((listener) => listener()));
  };
  private readonly commitmentListeners = new Set<() => void>();
  /** The room's signatures were checked once (prepare): arrivals are checked one by one from then on. */
  private prepared = false;

  /** Called when signed commitments of other members arrived and were checked (SEALED-8, SEALED-10). */
  onCommitmentsChecked(listener: () => void): () => void {
    this.commitmentListeners.add(listener);
    return () => this.commitmentListeners.delete(listener);
  }

  constructor(
    private readonly doc: Y.Doc,
    private readonly identity: VaultIdentity,
  ) {
    this.devices = new DeviceList(doc, identity.roomId);
    this.deviceHex = toHex(identity.device.publicKey);
    rootMap(doc, RootKey.KeyBoxes).observe(this.dropIndex);
    rootMap(doc, RootKey.MemberKeys).observe(this.rereadSecrets);
    this.keepOwnShared(rootMap(doc, RootKey.Answers).keys());
    rootMap(doc, RootKey.Answers).observeDeep(this.keepShared);
  }

  /** Another of the member's devices may have rotated the secret: read the box again (keep what was known if it no longer opens). */
  private readonly rereadSecrets = (): void => {
    const opened = this.openSecrets();
    if (opened && (!this.memberSecrets || opened.length >= this.memberSecrets.length)) this.memberSecrets = opened;
  };

  destroy(): void {
    rootMap(this.doc, RootKey.KeyBoxes).unobserve(this.dropIndex);
    rootMap(this.doc, RootKey.MemberKeys).unobserve(this.rereadSecrets);
    rootMap(this.doc, RootKey.Answers).unobserveDeep(this.keepShared);
    this.devices.destroy();
  }

  private keepOwnShared(keys: Iterable<string>): void {
    const answers = rootMap(this.doc, RootKey.Answers);
    const lost: [Y.Map<unknown>, { readonly sealed: unknown; readonly submittedAt: number }][] = [];
    for (const key of keys) {
      const map = answers.get(key);
      const parts = splitKey(key);
      if (!(map instanceof Y.Map) || parts.length !== 3 || parts[2] !== this.memberId) continue;
      const sealed: unknown = map.get('sealed');
      const submittedAt = readFiniteNumber(map.get('submittedAt'));
      const kept = this.ownShared.get(key);
      if (parseSealed(sealed) && submittedAt !== null) this.ownShared.set(key, { sealed, submittedAt });
      else if (kept) lost.push([map as Y.Map<unknown>, kept]);
    }
    if (lost.length === 0) return;
    this.doc.transact(() => {
      for (const [map, kept] of lost) {
        map.set('sealed', kept.sealed);
        map.set('submittedAt', kept.submittedAt);
        map.set('passed', false);
        map.set('drafted', false);
      }
    }, localOrigin('submit'));
  }

  /** Approves a device waiting to join as this member (SEALED-7); its member secret follows at the next enroll. */
  approveDevice(deviceHex: string, now: number): boolean {
    const approved = this.devices.approve(deviceHex, this.identity.device);
    if (approved) this.enroll(now);
    return approved;
  }

  private boxesTo(answerAndRecipient: string): readonly [string, Uint8Array][] {
    if (!this.keyBoxIndex) {
      const index = new Map<string, [string, Uint8Array][]>();
      rootMap(this.doc, RootKey.KeyBoxes).forEach((value, entry) => {
        const cut = entry.lastIndexOf('/');
        if (cut < 0 || !(value instanceof Uint8Array)) return;
        const group = entry.slice(0, cut);
        const list = index.get(group) ?? [];
        list.push([entry.slice(cut + 1), value]);
        index.set(group, list);
      });
      this.keyBoxIndex = index;
    }
    return this.keyBoxIndex.get(answerAndRecipient) ?? [];
  }

  /** Opens a box from a device on the list (cached: an X25519 box costs about a millisecond). */
  private openBox(senderHex: string, box: Uint8Array): Uint8Array | null {
    const cacheKey = boxCacheKey(senderHex, box);
    if (this.openedBoxes.has(cacheKey)) return this.openedBoxes.get(cacheKey) ?? null;
    const sender = this.devices.known(senderHex);
    const opened = sender ? this.boxer.open(box, sender.boxKey) : null;
    this.openedBoxes.set(cacheKey, opened);
    return opened;
  }

  get memberId(): string {
    return this.identity.memberId;
  }

  get devicePublicKey(): Uint8Array {
    return this.identity.device.publicKey;
  }

  /** Derived when first needed: an X25519 step a room that only shows itself never pays. */
  private get boxKeys(): BoxKeyPair {
    this.boxKeyPair ??= deriveDeviceBoxKeyPair(this.identity.device.secretKey);
    return this.boxKeyPair;
  }

  /** Boxes to and from the room's devices, each pair's X25519 step done once. */
  private get boxer(): DeviceBoxer {
    this.deviceBoxer ??= new DeviceBoxer(this.boxKeys.secretKey);
    return this.deviceBoxer;
  }

  /**
   * Does one X25519 step of the warm-up (this device's box key first, then the shared key with one
   * more device of the room) and says whether another remains: called at idle moments, one step
   * each, so that sharing and the reveal box and open with cached keys (SEALED-8) and the page
   * never takes a long task for it.
   */
  warmNextBox(): boolean {
    if (!this.boxKeyPair) {
      this.boxKeyPair = deriveDeviceBoxKeyPair(this.identity.device.secretKey);
      return true;
    }
    const next = this.devices.all().find((device) => device.deviceHex !== this.deviceHex && !this.boxer.isWarm(device.boxKey));
    if (!next) return false;
    this.boxer.warm([next.boxKey]);
    return true;
  }

  get boxPublicKey(): Uint8Array {
    return this.boxKeys.publicKey;
  }

  /**
   * Puts this device on the room's device list and makes sure it holds its member's secret: the
   * member's first device makes one; a later device gets it boxed by one that has it. Every call
   * also boxes the secret to the member's devices that lack it. Call after each remote change.
   */
  enroll(now: number): EnrollState {
    // The box key is derived from the device key, so a record this device wrote for this member stays right.
    if (!this.devices.hasOwnRecord(this.deviceHex, this.memberId)) this.devices.publish({ ...this.identity.device, memberId: this.memberId, boxKey: this.boxKeys.publicKey, now });
    const me = this.devices.get(this.deviceHex);
    // Not approved yet: nothing is boxed to this device and it boxes nothing (SEALED-7).
    if (!me) return 'waiting-for-own-device';
    const memberKeys = rootMap(this.doc, RootKey.MemberKeys);
    // The member's devices that lack the secrets (this one too, if its box was erased). Checked by
    // the box's presence, not by opening it: an X25519 step at every enroll is a phone's frame.
    const lacking = (): RoomDevice[] =>
      this.devices
        .ofMember(this.memberId)
        .filter((device) => !memberKeys.has(joinKey(this.memberId, device.deviceHex)) && (device.deviceHex === this.deviceHex || (me.inMemberLine && device.inMemberLine)));
    if (this.secretBoxed() && lacking().length === 0) return 'ready';
    let secrets = this.secrets();
    if (secrets.length === 0) {
      const prefix = `${joinKey(this.memberId)}/`;
      // One of the member's own devices approved this one: it boxes the member's secret here.
      if (me.inMemberLine && [...memberKeys.keys()].some((key) => key.startsWith(prefix))) return 'waiting-for-own-device';
      // The member's first device, or one another member approved after the member lost every
      // device: a secret of its own (the lost one's drafts stay sealed).
      secrets = [generateMemberSecret()];
      this.memberSecrets = secrets;
    }
    const missing = lacking();
    if (missing.length > 0) this.boxSecrets(missing, secrets);
    return 'ready';
  }

  private boxSecrets(devices: readonly RoomDevice[], secrets: readonly Uint8Array[]): void {
    const memberKeys = rootMap(this.doc, RootKey.MemberKeys);
    const payload = concatBytes(secrets);
    this.doc.transact(() => {
      for (const device of devices) memberKeys.set(joinKey(this.memberId, device.deviceHex), { from: this.deviceHex, box: this.boxer.box(payload, device.boxKey) });
    }, localOrigin('device'));
  }

  /**
   * Removes a lost device of this member (SEALED-15): signed, so every device stops boxing keys to
   * it, and the member secret rotates — a new one, boxed to the member's remaining devices only, for
   * everything written from now on (the earlier ones stay readable to the member).
   */
  removeDevice(deviceHex: string): boolean {
    const secrets = this.secrets();
    if (deviceHex === this.deviceHex || secrets.length === 0 || !this.devices.remove(deviceHex, this.identity.device)) return false;
    const rotated = [generateMemberSecret(), ...secrets];
    this.memberSecrets = rotated;
    const memberKeys = rootMap(this.doc, RootKey.MemberKeys);
    this.doc.transact(() => memberKeys.delete(joinKey(this.memberId, deviceHex)), localOrigin('device'));
    this.boxSecrets(
      this.devices.ofMember(this.memberId).filter((device) => device.inMemberLine || device.deviceHex === this.deviceHex),
      rotated,
    );
    return true;
  }

  /**
   * Checks the room's signatures (device list, commitments) through WebCrypto before the room is
   * first drawn, so that drawing it costs no Ed25519 work on the page's thread (SEALED-6..11 read
   * the same caches afterwards; a signature that arrives later is checked when it is read).
   */
  async prepare(): Promise<void> {
    await this.devices.prepare();
    await Promise.all(this.checkCommitments(rootMap(this.doc, RootKey.Answers).keys()));
    this.prepared = true;
  }

  /**
   * Checks, through WebCrypto, the commitment signatures of these answers that are not checked yet:
   * at first draw for the whole room, and for each answer as it arrives, so that the reveal, when
   * the key comes, finds the check done (SEALED-8) instead of doing a tweetnacl verification then.
   */
  private checkCommitments(answerKeys: Iterable<string>): Promise<void>[] {
    const checks: Promise<void>[] = [];
    const answers = rootMap(this.doc, RootKey.Answers);
    for (const key of answerKeys) {
      const value = answers.get(key);
      const [session, cardId, memberId, ...rest] = splitKey(key);
      const sealed = value instanceof Y.Map ? parseSealed(value.get('sealed')) : null;
      const number = Number(session);
      if (!sealed || !cardId || !memberId || rest.length > 0 || !Number.isInteger(number)) continue;
      const ref = { session: number, cardId, memberId };
      const cacheKey = commitmentCacheKey(ref, sealed);
      const signer = this.devices.known(sealed.signer);
      if (this.verifiedCommitments.has(cacheKey) || !signer || signer.memberId !== memberId) continue;
      checks.push(
        ed25519VerifyDetached(signatureTranscript(slotOf(ref, sealed.revision), sealed.commitment), sealed.signature, signer.publicKey).then((valid) => {
          this.verifiedCommitments.set(cacheKey, valid);
        }),
      );
    }
    return checks;
  }

  /** Where this device stands, without writing anything: approved and holding the member secret, or waiting. */
  enrollState(): VaultState {
    if (!rootMap(this.doc, RootKey.Devices).has(this.deviceHex)) return 'unlisted';
    // Holding the secret is judged by its box being there (opened when first needed, not to draw the room).
    return this.devices.get(this.deviceHex) && this.secretBoxed() ? 'ready' : 'waiting-for-own-device';
  }

  /** The member's secrets, newest first, from the box one of the member's devices left for this device. */
  private secrets(): Uint8Array[] {
    this.memberSecrets ??= this.openSecrets();
    return this.memberSecrets ?? [];
  }

  /** The newest member secret: what everything new is written under. */
  private secret(): Uint8Array | null {
    return this.secrets()[0] ?? null;
  }

  private openSecrets(): Uint8Array[] | null {
    const entry = rootMap(this.doc, RootKey.MemberKeys).get(joinKey(this.memberId, this.deviceHex));
    if (!isRecord(entry) || typeof entry.from !== 'string' || !(entry.box instanceof Uint8Array)) return null;
    const sender = this.devices.get(entry.from);
    // From this device itself, or from a device in the member's line (SEALED-7).
    if (!sender || sender.memberId !== this.memberId || (sender.deviceHex !== this.deviceHex && !sender.inMemberLine)) return null;
    const opened = this.boxer.open(entry.box, sender.boxKey);
    if (!opened || opened.length === 0 || opened.length % MEMBER_SECRET_BYTES !== 0) return null;
    const secrets: Uint8Array[] = [];
    for (let offset = 0; offset < opened.length; offset += MEMBER_SECRET_BYTES) secrets.push(opened.slice(offset, offset + MEMBER_SECRET_BYTES));
    return secrets;
  }

  /** This member's key for its own shared answer: the one (of any epoch) that matches the commitment. */
  private ownAnswerKey(ref: AnswerRef, sealed: SealedRecord): Uint8Array | null {
    const slot = slotOf(ref, sealed.revision);
    for (const secret of this.secrets()) {
      const key = deriveAnswerKey(secret, slot);
      if (equalBytes(computeCommitment(slot, sealed.version, key, sealed.nonce, sealed.ciphertext), sealed.commitment)) return key;
    }
    return null;
  }

  /** The member secret is known here, or boxed to this device (not opened: that is an X25519 step). */
  secretBoxed(): boolean {
    return this.memberSecrets !== null || rootMap(this.doc, RootKey.MemberKeys).has(joinKey(this.memberId, this.deviceHex));
  }

  canWrite(): boolean {
    return this.secret() !== null;
  }

  // ---- the member's own settings --------------------------------------------------------------

  readPrefs(): MemberPrefs {
    const sealed = rootMap(this.doc, RootKey.MemberPrefs).get(this.memberId);
    if (!(sealed instanceof Uint8Array)) return DEFAULT_PREFS;
    const opened = this.secrets().reduce<Uint8Array | null>((found, secret) => found ?? openPadded(sealed, deriveMemberPrefsKey(secret)), null);
    // Settings that do not open were not written by this member: fail closed (deposit no boxes).
    if (!opened) return STRICT_PREFS;
    try {
      const value: unknown = JSON.parse(new TextDecoder().decode(opened));
      return { strictRelease: !isRecord(value) || value.strictRelease !== false };
    } catch {
      return STRICT_PREFS;
    }
  }

  setPrefs(prefs: MemberPrefs): boolean {
    const secret = this.secret();
    if (!secret) return false;
    const sealed = sealPadded(new TextEncoder().encode(JSON.stringify({ strictRelease: prefs.strictRelease })), deriveMemberPrefsKey(secret));
    this.doc.transact(() => rootMap(this.doc, RootKey.MemberPrefs).set(this.memberId, sealed), localOrigin('member-prefs'));
    return true;
  }

  /** The boxes to deposit with an answer: none in strict release (the deposit then only lets this device read). */
  escrowBoxes(key: Uint8Array): { recipient: Uint8Array; box: Uint8Array }[] {
    return this.readPrefs().strictRelease ? [] : this.boxesForOthers(key);
  }

  // ---- the member's own drafts -------------------------------------------------------------

  /** Creates the answer entry early (as ensureDraft did): concurrent creation by two devices loses nothing then. */
  prepareDraft(ref: AnswerRef, now: number): void {
    this.draftSaves(ref, now);
  }

  private draftSaves(ref: AnswerRef, now: number): Y.Array<Uint8Array> {
    const answers = rootMap(this.doc, RootKey.Answers);
    const key = joinKey(ref.session, ref.cardId, ref.memberId);
    let map = answers.get(key);
    let saves = map instanceof Y.Map ? map.get('sealedDraft') : undefined;
    if (saves instanceof Y.Array) return saves as Y.Array<Uint8Array>;
    const created = new Y.Array<Uint8Array>();
    this.doc.transact(() => {
      if (!(map instanceof Y.Map)) {
        map = new Y.Map<unknown>();
        (map as Y.Map<unknown>).set('submittedAt', null);
        (map as Y.Map<unknown>).set('passed', false);
        (map as Y.Map<unknown>).set('updatedAt', now);
        answers.set(key, map);
      }
      (map as Y.Map<unknown>).set('sealedDraft', created);
    }, localOrigin('draft'));
    saves = created;
    return created;
  }

  /** The private draft document for one of this member's answers, brought up to date with its saves. */
  private draftDoc(ref: AnswerRef, saves: Y.Array<Uint8Array> | null): DraftCache | null {
    if (ref.memberId !== this.memberId) return null;
    const id = joinKey(ref.session, ref.cardId);
    // No save yet: nothing to open, so no need for the member secret (an X25519 step) to draw an empty box.
    if ((!saves || saves.length === 0) && !this.drafts.has(id) && this.memberSecrets === null) return this.secretBoxed() ? this.emptyDraft(id) : null;
    const secrets = this.secrets();
    if (secrets.length === 0) return null;
    let cache = this.drafts.get(id);
    if (!cache) {
      cache = { doc: new Y.Doc({ gc: true }), applied: new WeakSet() };
      this.drafts.set(id, cache);
    }
    // Saves from several devices interleave in any order, and folding replaces many by one: Yjs
    // updates apply in any order and any number of times, so apply each save not seen yet.
    let keys: Uint8Array[] | null = null;
    for (const save of saves ? saves.toArray() : []) {
      if (cache.applied.has(save)) continue;
      cache.applied.add(save);
      // Saves written before a device removal are under an earlier secret (SEALED-15).
      keys ??= secrets.map((secret) => deriveDraftKey(secret, slotOf(ref)));
      const update = keys.reduce<Uint8Array | null>((found, key) => found ?? openPadded(save, key), null);
      // A save that does not open (or is not an update) is not this member's: skip it, keep the draft.
      if (!update) continue;
      try {
        Y.applyUpdate(cache.doc, update);
      } catch {
        continue;
      }
    }
    return cache;
  }

  private emptyDraft(id: string): DraftCache {
    const cache = { doc: new Y.Doc({ gc: true }), applied: new WeakSet<Uint8Array>() };
    this.drafts.set(id, cache);
    return cache;
  }

  private draftText(ref: AnswerRef): string {
    const map = answerMap(this.doc, ref);
    const saves = map?.get('sealedDraft');
    const cache = this.draftDoc(ref, saves instanceof Y.Array ? (saves as Y.Array<Uint8Array>) : null);
    const sealedText = cache ? cache.doc.getText('draft').toString() : '';
    if (sealedText !== '' || (saves instanceof Y.Array && saves.length > 0)) return sealedText;
    // A draft from before sealed answers, still in clear until its next edit.
    return readAnswer(this.doc, ref).text;
  }

  /**
   * Saves the draft as the smallest encrypted change to it (common prefix and suffix kept, as
   * editDraft did), so two of the member's devices typing at once merge instead of overwriting.
   */
  editDraft(ref: AnswerRef, text: string, now: number): boolean {
    const saves = this.draftSaves(ref, now);
    const map = answerMap(this.doc, ref);
    const cache = this.draftDoc(ref, saves);
    const secret = this.secret();
    if (!map || !cache || !secret || readFiniteNumber(map.get('submittedAt')) !== null) return false;
    const next = text.slice(0, MAX_ANSWER_LENGTH);
    const draft = cache.doc.getText('draft');
    const legacy = map.get('draft');
    const legacyText = saves.length === 0 && legacy instanceof Y.Text ? legacy.toString() : '';
    const before = Y.encodeStateVector(cache.doc);
    cache.doc.transact(() => {
      if (legacyText && draft.length === 0) draft.insert(0, legacyText);
      applyTextChange(draft, next);
    });
    const update = Y.encodeStateAsUpdate(cache.doc, before);
    if (update.length <= 2) return true;
    const key = deriveDraftKey(secret, slotOf(ref));
    this.doc.transact(() => {
      if (saves.length + 1 >= DRAFT_COMPACT_AT) {
        saves.delete(0, saves.length);
        saves.push([sealPadded(Y.encodeStateAsUpdate(cache.doc), key)]);
      } else {
        saves.push([sealPadded(update, key)]);
      }
      // The clear draft of an old room goes once its text lives in the sealed draft.
      if (legacy instanceof Y.Text && legacy.length > 0) legacy.delete(0, legacy.length);
      const writing = next.trim() !== '';
      if (readBoolean(map.get('drafted')) !== writing) map.set('drafted', writing);
      const previous = readFiniteNumber(map.get('updatedAt'));
      if (previous === null || now - previous >= UPDATED_AT_RESOLUTION_MS) map.set('updatedAt', now);
    }, localOrigin('draft'));
    // This device's own save (and a folded one) is already in the draft document.
    for (const save of saves.toArray()) cache.applied.add(save);
    return true;
  }

  setPassed(ref: AnswerRef, passed: boolean, now: number): void {
    this.draftSaves(ref, now);
    const map = answerMap(this.doc, ref);
    if (!map || readFiniteNumber(map.get('submittedAt')) !== null) return;
    this.doc.transact(() => {
      map.set('passed', passed);
      map.set('updatedAt', now);
    }, localOrigin('pass'));
  }

  /**
   * Shares the draft: seals it under the answer's own key, commits to key, nonce, ciphertext, card,
   * member and version, signs the commitment with this device's key, and erases the draft's saves.
   * Null when there is nothing to share (or this device has no member secret yet). Signs with
   * tweetnacl, on this thread; the app shares through `share`.
   */
  submit(ref: AnswerRef, now: number): SharedAnswer | null {
    const begun = this.beginShare(ref);
    if (!begun || 'shared' in begun) return begun?.shared ?? null;
    return this.finishShare(ref, begun, signCommitment(begun.slot, begun.sealed.commitment, this.identity.device.secretKey), now);
  }

  /**
   * `submit` with the signature made by WebCrypto (about a millisecond, off the page's thread,
   * instead of several of tweetnacl's on it): sharing is on the path of a live reveal (SEALED-8).
   * Null at once when there is nothing to share.
   */
  share(ref: AnswerRef, now: number): Promise<SharedAnswer | null> | null {
    const begun = this.beginShare(ref);
    // Nothing to share is known at once, so the button can say so without waiting.
    if (!begun) return null;
    if ('shared' in begun) return Promise.resolve(begun.shared);
    return ed25519SignDetached(signatureTranscript(begun.slot, begun.sealed.commitment), this.identity.device.secretKey).then((signature) => this.finishShare(ref, begun, signature, now));
  }

  /** The sealed draft to sign, or the record already shared (a repeat), or null when there is nothing to share. */
  private beginShare(ref: AnswerRef): { readonly shared: SharedAnswer | null } | PendingShare | null {
    const secret = this.secret();
    const map = answerMap(this.doc, ref);
    if (!secret || !map || ref.memberId !== this.memberId) return null;
    const existing = this.sharedRecord(ref, map);
    if (existing) return existing;
    const slot = slotOf(ref);
    const key = deriveAnswerKey(secret, slot);
    const text = this.draftText(ref);
    if (text.trim() === '') return null;
    return { slot, key, sealed: sealAnswer(text, key, slot) };
  }

  /** An answer already shared (by this device, or another of the member's): its record, for the escrow. */
  private sharedRecord(ref: AnswerRef, map: Y.Map<unknown>): { readonly shared: SharedAnswer | null } | null {
    const existing = parseSealed(map.get('sealed'));
    if (readFiniteNumber(map.get('submittedAt')) === null || !existing) return null;
    const key = this.ownAnswerKey(ref, existing);
    return { shared: key ? { slot: slotOf(ref, existing.revision), key, record: concatBytes([existing.commitment, existing.signature]) } : null };
  }

  private finishShare(ref: AnswerRef, pending: PendingShare, signature: Uint8Array, now: number): SharedAnswer | null {
    const map = answerMap(this.doc, ref);
    if (!map) return null;
    // Shared meanwhile (a second click while the first was signing, or another device): keep that one.
    const existing = this.sharedRecord(ref, map);
    if (existing) return existing.shared;
    const { slot, key, sealed } = pending;
    const saves = map.get('sealedDraft');
    const legacy = map.get('draft');
    this.doc.transact(() => {
      map.set('sealed', { version: sealed.version, revision: slot.revision, nonce: sealed.nonce, ciphertext: sealed.ciphertext, commitment: sealed.commitment, signer: this.deviceHex, signature });
      // An answer shared in clear before sealed answers keeps the moment it was shared.
      map.set('submittedAt', readFiniteNumber(map.get('submittedAt')) ?? now);
      map.set('passed', false);
      map.set('drafted', false);
      map.set('updatedAt', now);
      if (saves instanceof Y.Array && saves.length > 0) saves.delete(0, saves.length);
      if (legacy instanceof Y.Text && legacy.length > 0) legacy.delete(0, legacy.length);
    }, localOrigin('submit'));
    return { slot, key, record: concatBytes([sealed.commitment, signature]) };
  }

  // ---- reading -----------------------------------------------------------------------------

  readOwn(ref: AnswerRef): AnswerRecord {
    const map = answerMap(this.doc, ref);
    const fields = readAnswer(this.doc, ref);
    const sealed = map ? parseSealed(map.get('sealed')) : null;
    let text: string;
    if (sealed) {
      const key = this.ownAnswerKey(ref, sealed);
      text = (key && this.openWith(ref, sealed, key)) ?? '';
    } else {
      text = this.draftText(ref);
    }
    return { ...fields, text };
  }

  readOther(ref: AnswerRef): OtherAnswerReading {
    const map = answerMap(this.doc, ref);
    const fields = readAnswer(this.doc, ref);
    const sealed = map ? parseSealed(map.get('sealed')) : null;
    const writing = map ? readBoolean(map.get('drafted')) || fields.text.trim() !== '' : false;
    const state = answerState({ ...fields, writing });
    const deposited = this.depositedCommitments(ref);
    if (state !== 'submitted') return { state, submittedAt: fields.submittedAt, text: null, mismatch: false, peeked: deposited.length > 0 };
    // Shared before sealed answers: in clear, as it always was.
    if (!sealed) return { state, submittedAt: fields.submittedAt, text: fields.text, mismatch: false };
    // Signed by none of the member's devices, or not what the member deposited at the escrow.
    // (Two of the member's devices sharing at once each deposit their own record, and the room keeps
    // one: a match with any of the member's deposits is enough.)
    if (!this.commitmentSigned(ref, sealed) || (deposited.length > 0 && !deposited.some((commitment) => equalBytes(commitment, sealed.commitment)))) {
      return { state, submittedAt: fields.submittedAt, text: null, mismatch: true };
    }
    const keys = this.keysFor(ref, sealed.revision);
    if (keys.length === 0) return { state, submittedAt: fields.submittedAt, text: null, mismatch: false };
    for (const key of keys) {
      const text = this.openWith(ref, sealed, key);
      // A key this device holds before its member shared can only be the author's early release.
      if (text !== null) return { state, submittedAt: fields.submittedAt, text, mismatch: false, releasedEarly: !this.hasShared(ref) };
    }
    return { state, submittedAt: fields.submittedAt, text: null, mismatch: true };
  }

  private hasShared(card: CardRef): boolean {
    return readFiniteNumber(answerMap(this.doc, { ...card, memberId: this.memberId })?.get('submittedAt')) !== null;
  }

  /**
   * "They may see it anyway" (SEALED-18): boxes this member's shared answer key to every other
   * member's devices now, without waiting for their commitment. Returns how many boxes were written.
   */
  releaseEarly(card: CardRef): number {
    const mine = { ...card, memberId: this.memberId };
    const sealed = parseSealed(answerMap(this.doc, mine)?.get('sealed'));
    const key = sealed ? this.ownAnswerKey(mine, sealed) : null;
    if (!sealed || !key) return 0;
    const keyBoxes = rootMap(this.doc, RootKey.KeyBoxes);
    const writes = this.devices
      .all()
      .filter((device) => device.memberId !== this.memberId)
      .map((device): [string, Uint8Array] => [`${joinKey(card.session, card.cardId, this.memberId, sealed.revision, device.deviceHex)}/${this.deviceHex}`, this.boxer.box(key, device.boxKey)]);
    if (writes.length > 0) this.doc.transact(() => writes.forEach(([entry, box]) => keyBoxes.set(entry, box)), localOrigin('release'));
    return writes.length;
  }

  /**
   * Notes in the answer that this device's escrow deposit for it is stored, so that a later visit
   * asks the relay with a read (no boxes, no signature) instead of depositing again.
   */
  noteDeposited(card: CardRef): void {
    this.noteEscrowed(card, DEPOSITED);
  }

  hasDeposited(card: CardRef): boolean {
    return this.escrowedAs(card) === DEPOSITED;
  }

  /** The relay stored this device's decline for the card (SEALED-20): it need not decline again. */
  noteDeclined(card: CardRef): void {
    this.noteEscrowed(card, DECLINED);
  }

  hasDeclined(card: CardRef): boolean {
    return this.escrowedAs(card) === DECLINED;
  }

  /** What the relay stored of this device for the card, as noted in the member's answer (`escrowedBy`). */
  private escrowedAs(card: CardRef): unknown {
    const by = answerMap(this.doc, { ...card, memberId: this.memberId })?.get('escrowedBy');
    return by instanceof Y.Map ? by.get(this.deviceHex) : undefined;
  }

  private noteEscrowed(card: CardRef, value: typeof DEPOSITED | typeof DECLINED): void {
    const map = answerMap(this.doc, { ...card, memberId: this.memberId });
    if (!map || this.escrowedAs(card) === value) return;
    const by = map.get('escrowedBy');
    this.doc.transact(() => {
      if (by instanceof Y.Map) by.set(this.deviceHex, value);
      else map.set('escrowedBy', new Y.Map<unknown>([[this.deviceHex, value]]));
    }, localOrigin('release'));
  }

  /** Called when the relay listed deposits this device had not seen: what readOther says may change. */
  onDeposits(listener: () => void): () => void {
    this.depositListeners.add(listener);
    return () => this.depositListeners.delete(listener);
  }

  /** The commitments a member's devices deposited at the escrow for this card, as this device was shown them. */
  private depositedCommitments(ref: AnswerRef): Uint8Array[] {
    const seen = this.deposits.get(joinKey(ref.session, ref.cardId));
    if (!seen) return [];
    const commitments: Uint8Array[] = [];
    for (const [deviceHex, commitment] of seen) if (this.devices.known(deviceHex)?.memberId === ref.memberId) commitments.push(commitment);
    return commitments;
  }

  /** Whether a member's answer to a card is shared sealed, with a commitment signed by one of their devices. */
  hasSignedCommitment(ref: AnswerRef): boolean {
    const sealed = parseSealed(answerMap(this.doc, ref)?.get('sealed'));
    return sealed !== null && this.commitmentSigned(ref, sealed);
  }

  private openWith(ref: AnswerRef, sealed: SealedRecord, key: Uint8Array): string | null {
    const cacheKey = `${toHex(sealed.commitment)}:${toHex(key)}`;
    if (this.openedTexts.has(cacheKey)) return this.openedTexts.get(cacheKey) ?? null;
    const result = openSealedAnswer(sealed, key, slotOf(ref, sealed.revision));
    const text = result.ok ? result.text : null;
    this.openedTexts.set(cacheKey, text);
    return text;
  }

  /** The commitment is signed by a device on the list that speaks for the answer's member. */
  private commitmentSigned(ref: AnswerRef, sealed: SealedRecord): boolean {
    const cacheKey = commitmentCacheKey(ref, sealed);
    let valid = this.verifiedCommitments.get(cacheKey);
    if (valid === undefined) {
      // A device removed since still signed its answers while it was the member's.
      const signer = this.devices.known(sealed.signer);
      if (!signer || signer.memberId !== ref.memberId) return false; // the device record may still arrive
      valid = verifyCommitmentSignature(slotOf(ref, sealed.revision), sealed.commitment, sealed.signature, signer.publicKey);
      this.verifiedCommitments.set(cacheKey, valid);
    }
    return valid;
  }

  /** Keys for another member's answer boxed to this device by the author's devices or this member's own. */
  private keysFor(ref: AnswerRef, revision: number): Uint8Array[] {
    const keys: Uint8Array[] = [];
    for (const [senderHex, box] of this.boxesTo(joinKey(ref.session, ref.cardId, ref.memberId, revision, this.deviceHex))) {
      // A box from a device removed since still holds a good key; every key is checked against the commitment.
      const sender = this.devices.known(senderHex);
      if (!sender || (sender.memberId !== ref.memberId && sender.memberId !== this.memberId)) continue;
      const opened = this.openBox(senderHex, box);
      if (opened && opened.length === ANSWER_KEY_BYTES) keys.push(opened);
    }
    return keys;
  }

  // ---- release -----------------------------------------------------------------------------

  /** The answer key boxed to every device of the other members (for the relay's escrow, SEALED-9). */
  boxesForOthers(key: Uint8Array): { recipient: Uint8Array; box: Uint8Array }[] {
    return this.devices
      .all()
      .filter((device) => device.memberId !== this.memberId)
      .map((device) => ({ recipient: device.publicKey, box: this.boxer.box(key, device.boxKey) }));
  }

  /** Peer release of one card to every member who committed already: right after sharing it. */
  releaseToCommitted(card: CardRef): number {
    return this.releaseToPeers([card], readMembers(this.doc).map((member) => member.id));
  }

  /**
   * Peer release (SEALED-10): for each of this member's shared answers on the given cards, box its
   * key to the devices of every other member who has committed (signed) an answer to the same card
   * and has no box from this member yet. Returns how many boxes were written.
   */
  releaseToPeers(cards: readonly CardRef[], memberIds: readonly string[]): number {
    if (!this.secretBoxed()) return 0;
    const keyBoxes = rootMap(this.doc, RootKey.KeyBoxes);
    const ownDevices = new Set(this.devices.ofMember(this.memberId).map((device) => device.deviceHex));
    const writes: [string, Uint8Array][] = [];
    for (const card of cards) {
      const mine = { ...card, memberId: this.memberId };
      const sealed = parseSealed(answerMap(this.doc, mine)?.get('sealed'));
      const key = sealed ? this.ownAnswerKey(mine, sealed) : null;
      if (!sealed || !key) continue;
      for (const memberId of memberIds) {
        if (memberId === this.memberId || !this.hasSignedCommitment({ ...card, memberId })) continue;
        for (const device of this.devices.ofMember(memberId)) {
          const group = joinKey(card.session, card.cardId, this.memberId, sealed.revision, device.deviceHex);
          const boxed = this.boxesTo(group).some(([sender]) => ownDevices.has(sender));
          if (!boxed) writes.push([`${group}/${this.deviceHex}`, this.boxer.box(key, device.boxKey)]);
        }
      }
    }
    if (writes.length > 0) this.doc.transact(() => writes.forEach(([entry, box]) => keyBoxes.set(entry, box)), localOrigin('release'));
    return writes.length;
  }

  /**
   * Keys the relay's escrow released to this device for one card: each is kept in the document,
   * boxed again to this member's devices (this one included), so it survives a reload and reaches
   * the member's other devices. Opening still checks each key against the commitment.
   */
  acceptReleases(card: CardRef, releases: readonly ReleasedBox[]): number {
    const keyBoxes = rootMap(this.doc, RootKey.KeyBoxes);
    const writes: [string, Uint8Array][] = [];
    let newDeposits = false;
    const seen = this.deposits.get(joinKey(card.session, card.cardId)) ?? new Map<string, Uint8Array>();
    this.deposits.set(joinKey(card.session, card.cardId), seen);
    for (const release of releases) {
      const depositor = this.devices.known(toHex(release.depositor));
      if (!depositor || depositor.memberId === this.memberId) continue;
      if (release.record.length >= COMMITMENT_BYTES && !seen.has(depositor.deviceHex)) {
        seen.set(depositor.deviceHex, release.record.slice(0, COMMITMENT_BYTES));
        newDeposits = true;
      }
      // A deposit with no box for this device (strict release): its record is all there is.
      if (release.box.length === 0) continue;
      const key = this.boxer.open(release.box, depositor.boxKey);
      if (!key || key.length !== ANSWER_KEY_BYTES) continue;
      for (const device of this.devices.ofMember(this.memberId)) {
        const entry = joinKey(card.session, card.cardId, depositor.memberId, FIRST_REVISION, device.deviceHex, this.deviceHex);
        if (keyBoxes.has(entry)) continue;
        const box = this.boxer.box(key, device.boxKey);
        // This device knows what its own box holds: no need to open it again (an X25519 step).
        if (device.deviceHex === this.deviceHex) this.openedBoxes.set(boxCacheKey(this.deviceHex, box), key);
        writes.push([entry, box]);
      }
    }
    if (writes.length > 0) this.doc.transact(() => writes.forEach(([entry, box]) => keyBoxes.set(entry, box)), localOrigin('release'));
    if (newDeposits) for (const listener of [...this.depositListeners]) listener();
    return writes.length;
  }
}

function commitmentCacheKey(ref: AnswerRef, sealed: SealedRecord): string {
  return `${joinKey(ref.session, ref.cardId, ref.memberId, sealed.revision)}:${sealed.signer}:${toHex(sealed.signature)}:${toHex(sealed.commitment)}`;
}

function boxCacheKey(senderHex: string, box: Uint8Array): string {
  return `${senderHex}:${toHex(box.subarray(0, 24))}`;
}
