import * as Y from 'yjs';
import { ENVELOPE_TYPE } from '@seen/shared/protocol';
import { deriveRoomKeys, generateDeviceKeyPair, generateRoomSecret, paddedLength, sealEnvelope } from '@seen/shared/crypto';
import { buildTypingSchedule } from '../lib/schedule.ts';
import type { OwnEdit } from '../lib/traces.ts';
import { UpdateCoalescer } from '../../../sync/src/UpdateCoalescer.ts';

/**
 * "log": what one person's typing costs in the relay's log, in bytes per typed character. Real
 * keystrokes (an editing trace) at W2's human typing times (bursts at ~5 cps, 1–10 s pauses) go
 * through the sync layer's real UpdateCoalescer on a virtual clock, and every envelope it would
 * send is sealed for real (padding included) and counted. The wire and the relay add nothing to
 * an envelope's stored size, so no relay is needed to measure it; the run takes a second.
 */
export interface LogBytesResult {
  readonly trace: string;
  /** The merge window for draft typing (0 = one envelope per keystroke, as before coalescing). */
  readonly windowMs: number;
  readonly keystrokes: number;
  readonly typedChars: number;
  readonly finalChars: number;
  readonly envelopes: number;
  readonly logBytes: number;
  readonly bytesPerTypedChar: number;
  readonly bytesPerFinalChar: number;
  /** The final document as one snapshot: its Yjs size and its sealed size under each padding. */
  readonly snapshotBytes: number;
  readonly snapshotSealedPow2: number;
  readonly snapshotSealedOldBuckets: number;
}

const SNAPSHOT_INNER_HEADER_BYTES = 47 + 8 + 32 + 4;

/** The padding before powers of two (kept here only to report what the change saved). */
function oldPaddedLength(length: number): number {
  const buckets = [128, 256, 1024, 4096, 16384, 65536, 262144];
  for (const bucket of buckets) if (length <= bucket) return bucket;
  return Math.ceil(length / 262144) * 262144;
}

/** Replays `edits` at human typing times through the coalescer and counts the sealed envelopes. */
export function measureLogBytes(options: { readonly trace: string; readonly edits: readonly OwnEdit[]; readonly keystrokes: number; readonly windowMs: number; readonly seed: number }): LogBytesResult {
  const keys = deriveRoomKeys(generateRoomSecret());
  const device = generateDeviceKeyPair();
  const sessionId = new Uint8Array(16).fill(7);
  let seq = 0;
  let clock = 0;
  let envelopes = 0;
  let logBytes = 0;
  const seal = (payload: Uint8Array, type: typeof ENVELOPE_TYPE.UPDATE | typeof ENVELOPE_TYPE.SNAPSHOT): Uint8Array =>
    sealEnvelope(
      { type, roomId: keys.roomIdBytes, sessionId, seq: seq++, epoch: 0, coversRelaySeq: type === ENVELOPE_TYPE.SNAPSHOT ? 1 : 0, sentAt: clock, devicePublicKey: device.publicKey, payload },
      keys.encryptionKey,
    );
  // A virtual clock: timers fire in order as the replay moves time forward.
  const timers = new Map<number, { readonly at: number; readonly run: () => void }>();
  let nextTimer = 1;
  const advanceTo = (time: number): void => {
    for (;;) {
      let due: [number, { readonly at: number; readonly run: () => void }] | null = null;
      for (const entry of timers) if (entry[1].at <= time && (due === null || entry[1].at < due[1].at)) due = entry;
      if (due === null) break;
      timers.delete(due[0]);
      clock = due[1].at;
      due[1].run();
    }
    clock = time;
  };
  const coalescer = new UpdateCoalescer({
    flush: (update) => {
      envelopes += 1;
      logBytes += seal(update, ENVELOPE_TYPE.UPDATE).length;
    },
    now: () => clock,
    setTimer: (run, ms) => {
      const id = nextTimer++;
      timers.set(id, { at: clock + ms, run });
      return id;
    },
    clearTimer: (id) => timers.delete(id as number),
  });
  const doc = new Y.Doc();
  doc.clientID = 1_836_311_903;
  const text = doc.getText('draft');
  doc.on('update', (update: Uint8Array) => coalescer.add(update, options.windowMs));
  const schedule = buildTypingSchedule({ clients: 1, durationMs: 24 * 3600_000, seed: options.seed });
  const times = schedule.updateTimes[0]!;
  const count = Math.min(options.keystrokes, options.edits.length, times.length);
  let typedChars = 0;
  for (let i = 0; i < count; i++) {
    advanceTo(times[i]!);
    const edit = options.edits[i]!;
    const pos = Math.min(edit.pos, text.length);
    const del = Math.min(edit.del, text.length - pos);
    typedChars += edit.text.length;
    doc.transact(() => {
      if (del > 0) text.delete(pos, del);
      if (edit.text.length > 0) text.insert(pos, edit.text);
    });
  }
  coalescer.flush();
  const snapshot = Y.encodeStateAsUpdate(doc);
  const sealedSnapshot = seal(snapshot, ENVELOPE_TYPE.SNAPSHOT).length;
  // The inner plaintext is the snapshot's 47-byte header copy, sentAt, device key and length, then
  // the payload; only its padding differs between the two schemes.
  const inner = snapshot.length + SNAPSHOT_INNER_HEADER_BYTES;
  const finalChars = text.length;
  doc.destroy();
  return {
    trace: options.trace,
    windowMs: options.windowMs,
    keystrokes: count,
    typedChars,
    finalChars,
    envelopes,
    logBytes,
    bytesPerTypedChar: logBytes / Math.max(1, typedChars),
    bytesPerFinalChar: logBytes / Math.max(1, finalChars),
    snapshotBytes: snapshot.length,
    snapshotSealedPow2: sealedSnapshot,
    snapshotSealedOldBuckets: sealedSnapshot - paddedLength(inner) + oldPaddedLength(inner),
  };
}
