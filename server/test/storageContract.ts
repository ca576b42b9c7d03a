import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendEntry, RelayStorage, SequencedWrite, StoredEnvelope } from '../src/storage/RelayStorage.ts';

/**
 * The RelayStorage contract (PROTOCOL.md §6 "The log" and §7 "Compaction"), run against every implementation so
 * that the in-memory store used by fast tests cannot drift from the SQLite and PostgreSQL stores used in production.
 * Each case is STORE-n in SPEC.md. Times are explicit numbers, never the wall clock.
 */
export interface StorageUnderTest {
  readonly storage: RelayStorage;
  /** Closes the storage (if still open) and removes anything it left on disk. */
  cleanup(): Promise<void>;
}

const ROOM = 'room-a';
const OTHER = 'room-b';
const AUTH_PK = new Uint8Array(32).fill(0xa1);
const SESSION_1 = new Uint8Array(16).fill(0x11);
const SESSION_2 = new Uint8Array(16).fill(0x22);

/** Envelope bytes that identify their relaySeq, `size` long. */
function envelopeOf(relaySeq: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size).fill(relaySeq & 0xff);
  new DataView(bytes.buffer).setUint32(0, relaySeq);
  return bytes;
}

function entry(relaySeq: number, options: Partial<AppendEntry> & { size?: number } = {}): AppendEntry {
  const { size = 40, ...overrides } = options;
  return {
    roomId: ROOM,
    relaySeq,
    sessionId: SESSION_1,
    seq: relaySeq,
    envelope: envelopeOf(relaySeq, size),
    coversRelaySeq: null,
    receivedAt: 1_000 + relaySeq,
    ...overrides,
  };
}

/** A snapshot from SESSION_2 (its own seq space) covering every entry up to `covers`. */
function snapshot(relaySeq: number, covers: number, options: Partial<AppendEntry> & { size?: number } = {}): AppendEntry {
  return entry(relaySeq, { sessionId: SESSION_2, coversRelaySeq: covers, ...options });
}

/** A write for commitSequenced: SESSION_1 in ROOM unless overridden; bytes identify its seq. */
function write(seq: number, options: Partial<SequencedWrite> & { size?: number } = {}): SequencedWrite {
  const { size = 40, ...overrides } = options;
  return { roomId: ROOM, sessionId: SESSION_1, seq, envelope: envelopeOf(seq, size), coversRelaySeq: null, receivedAt: 1_000 + seq, ...overrides };
}

/** Large enough that no contract case meets it unless it means to. */
const NO_QUOTA = 1 << 30;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** Compare stored rows by value: implementations may attach extra fields or share buffers. */
const summary = (rows: readonly StoredEnvelope[]): { relaySeq: number; covers: number | null; bytes: string }[] =>
  rows.map((row) => ({ relaySeq: row.relaySeq, covers: row.coversRelaySeq, bytes: hex(row.envelope) }));
const summaryOf = (entries: readonly AppendEntry[]): ReturnType<typeof summary> =>
  entries.map((e) => ({ relaySeq: e.relaySeq, covers: e.coversRelaySeq, bytes: hex(e.envelope) }));

export function registerStorageContractTests(name: string, createStorage: () => Promise<StorageUnderTest>): void {
  describe(`RelayStorage contract: ${name}`, () => {
    let subject: StorageUnderTest;
    let storage: RelayStorage;
    const readAll = (roomId = ROOM): Promise<StoredEnvelope[]> => storage.readLog(roomId, 0, Number.MAX_SAFE_INTEGER, 1_000_000);
    /** The room's head as the cluster's head check reads it (0 for a room never created). */
    const headOf = async (roomId: string): Promise<number> => (await storage.readRoomHeads([roomId])).get(roomId)?.head ?? 0;

    beforeEach(async () => {
      subject = await createStorage();
      storage = subject.storage;
      await storage.createRoom(ROOM, AUTH_PK, 100);
      await storage.createRoom(OTHER, new Uint8Array(32).fill(0xb2), 100);
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('STORE-1 createRoom is idempotent: a second call changes nothing; an unknown room is null', async () => {
      await storage.appendBatch([entry(1)], 2_000);
      await storage.setSealed(ROOM, true);
      await storage.createRoom(ROOM, new Uint8Array(32).fill(0xee), 200);
      const room = await storage.getRoom(ROOM);
      expect(room).toMatchObject({ roomId: ROOM, sealed: true, deleted: false, maxRelaySeq: 1, bytesUsed: 40 });
      expect(hex(room!.authPublicKey)).toBe(hex(AUTH_PK));
      expect(await storage.getRoom('never-created')).toBeNull();
    });

    it('STORE-1 a new room is open, empty, and has no devices', async () => {
      expect(await storage.getRoom(ROOM)).toMatchObject({ sealed: false, deleted: false, maxRelaySeq: 0, bytesUsed: 0 });
      expect(await storage.listDevices(ROOM)).toEqual([]);
      expect(await readAll()).toEqual([]);
    });

    it('STORE-2 devices: adding the same key twice keeps one; devices belong to one room', async () => {
      const phone = new Uint8Array(32).fill(1);
      const laptop = new Uint8Array(32).fill(2);
      await storage.addDevice(ROOM, phone, 300);
      await storage.addDevice(ROOM, phone, 301);
      await storage.addDevice(ROOM, laptop, 302);
      expect((await storage.listDevices(ROOM)).map(hex).sort()).toEqual([hex(phone), hex(laptop)].sort());
      expect(await storage.listDevices(OTHER)).toEqual([]);
    });

    it('STORE-3 the seal flag is per room and can be set and cleared', async () => {
      await storage.setSealed(ROOM, true);
      expect((await storage.getRoom(ROOM))?.sealed).toBe(true);
      expect((await storage.getRoom(OTHER))?.sealed).toBe(false);
      await storage.setSealed(ROOM, false);
      expect((await storage.getRoom(ROOM))?.sealed).toBe(false);
    });

    it('STORE-4 readLog returns (after, upTo] in relaySeq order, at most `limit`, bytes unchanged', async () => {
      const entries = [1, 2, 3, 5, 8, 13].map((relaySeq) => entry(relaySeq, { size: 30 + relaySeq }));
      await storage.appendBatch(entries.slice(0, 3), 2_000);
      await storage.appendBatch(entries.slice(3), 2_001);
      expect(summary(await readAll())).toEqual(summaryOf(entries));
      expect(summary(await storage.readLog(ROOM, 2, 8, 100))).toEqual(summaryOf(entries.slice(2, 5)));
      expect(summary(await storage.readLog(ROOM, 3, 4, 100))).toEqual([]);
      expect(summary(await storage.readLog(ROOM, 1, 100, 2))).toEqual(summaryOf(entries.slice(1, 3)));
      expect(summary(await storage.readLog(ROOM, 13, 100, 100))).toEqual([]);
      expect(await readAll(OTHER)).toEqual([]);
    });

    it('STORE-4 one batch may span rooms; each room sees only its own entries', async () => {
      await storage.appendBatch([entry(1), entry(1, { roomId: OTHER, size: 7 }), entry(2)], 2_000);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1, 2]);
      expect(summary(await readAll(OTHER))).toEqual(summaryOf([entry(1, { roomId: OTHER, size: 7 })]));
    });

    it('STORE-5 idempotency lookups: maxSeqOfSession and findBySessionSeq, per room and per session', async () => {
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(-1);
      await storage.appendBatch([entry(1, { seq: 0 }), entry(2, { seq: 1 }), entry(3, { sessionId: SESSION_2, seq: 9 }), entry(4, { seq: 2 })], 2_000);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(2);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_2)).toBe(9);
      expect(await storage.maxSeqOfSession(OTHER, SESSION_1)).toBe(-1);
      const found = await storage.findBySessionSeq(ROOM, SESSION_1, 1);
      expect(found && summary([found])).toEqual(summaryOf([entry(2, { seq: 1 })]));
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 3)).toBeNull();
      expect(await storage.findBySessionSeq(ROOM, SESSION_2, 1)).toBeNull();
      expect(await storage.findBySessionSeq(OTHER, SESSION_1, 1)).toBeNull();
    });

    it('STORE-5 the same (session, seq) may exist in two rooms', async () => {
      await storage.appendBatch([entry(1, { seq: 0 }), entry(1, { roomId: OTHER, seq: 0 })], 2_000);
      expect((await storage.findBySessionSeq(OTHER, SESSION_1, 0))?.relaySeq).toBe(1);
    });

    it('STORE-6 a batch repeating a stored (session, seq) fails as a whole: nothing from it is stored', async () => {
      await storage.appendBatch([entry(1, { seq: 0 })], 2_000);
      const batch = [entry(1, { roomId: OTHER, seq: 0 }), entry(2, { seq: 1 }), entry(3, { seq: 0 })];
      await expect(storage.appendBatch(batch, 2_001)).rejects.toThrow();
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1]);
      expect(await readAll(OTHER)).toEqual([]);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(0);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 1, bytesUsed: 40 });
      // The store is still usable, and the failed entries can be retried.
      await storage.appendBatch([entry(2, { seq: 1 })], 2_002);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1, 2]);
    });

    it('STORE-6 a batch containing the same (session, seq) twice fails as a whole', async () => {
      await expect(storage.appendBatch([entry(1, { seq: 0 }), entry(2, { seq: 5 }), entry(3, { seq: 5 })], 2_000)).rejects.toThrow();
      expect(await readAll()).toEqual([]);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(-1);
    });

    it('STORE-6 a failed batch that held a snapshot supersedes nothing', async () => {
      await storage.appendBatch([entry(1), entry(2)], 2_000);
      await expect(storage.appendBatch([snapshot(3, 2), entry(4, { seq: 1 })], 2_001)).rejects.toThrow();
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 2, bytesUsed: 80 });
      expect(await storage.newestSnapshot(ROOM)).toBeNull();
      expect(await storage.collectGarbage(Number.MAX_SAFE_INTEGER)).toBe(0);
    });

    it('STORE-7 a snapshot supersedes what it covers in the same commit and returns the bytes freed per room', async () => {
      await storage.appendBatch([entry(1, { size: 10 }), entry(2, { size: 20 }), entry(3, { size: 30 })], 2_000);
      const freed = await storage.appendBatch([snapshot(4, 2, { size: 50 }), entry(1, { roomId: OTHER, size: 5 })], 3_000);
      expect(freed.get(ROOM)).toBe(30);
      expect(freed.get(OTHER) ?? 0).toBe(0);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 4, bytesUsed: 30 + 50 });
      // Superseded entries stay readable until garbage collection (the grace period).
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1, 2, 3, 4]);
      // A concurrent snapshot with the same coverage frees nothing more; a later one frees the rest.
      expect((await storage.appendBatch([snapshot(5, 2, { seq: 5, size: 60 })], 3_001)).get(ROOM) ?? 0).toBe(0);
      expect((await storage.appendBatch([snapshot(6, 5, { seq: 6, size: 70 })], 3_002)).get(ROOM)).toBe(30 + 50 + 60);
      expect((await storage.getRoom(ROOM))?.bytesUsed).toBe(70);
    });

    it('STORE-7 a snapshot in the same batch as the entries it covers supersedes them in that commit', async () => {
      const freed = await storage.appendBatch([entry(1, { size: 10 }), entry(2, { size: 20 }), snapshot(3, 2, { size: 50 }), entry(4, { size: 40 })], 2_000);
      expect(freed.get(ROOM)).toBe(30);
      expect((await storage.getRoom(ROOM))?.bytesUsed).toBe(50 + 40);
      expect(await storage.collectGarbage(2_001)).toBe(2);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([3, 4]);
    });

    it('STORE-8 newestSnapshot picks the greatest coverage, then the greatest relaySeq', async () => {
      expect(await storage.newestSnapshot(ROOM)).toBeNull();
      await storage.appendBatch([entry(1), entry(2), entry(3), entry(4)], 2_000);
      await storage.appendBatch([snapshot(5, 3, { seq: 5 })], 2_001);
      // Arrives later but covers less: not the newest.
      await storage.appendBatch([snapshot(6, 2, { seq: 6 })], 2_002);
      expect((await storage.newestSnapshot(ROOM))?.relaySeq).toBe(5);
      // Same coverage as relaySeq 5, stored later: wins the tie.
      await storage.appendBatch([snapshot(7, 3, { seq: 7 })], 2_003);
      const newest = await storage.newestSnapshot(ROOM);
      expect(newest && summary([newest])).toEqual(summaryOf([snapshot(7, 3, { seq: 7 })]));
      expect(await storage.newestSnapshot(OTHER)).toBeNull();
    });

    it('STORE-9 countAfter counts entries with relaySeq greater than the given one, in that room only', async () => {
      await storage.appendBatch([entry(1), entry(2), snapshot(3, 2), entry(4), entry(2, { roomId: OTHER })], 2_000);
      expect(await storage.countAfter(ROOM, 0)).toBe(4);
      expect(await storage.countAfter(ROOM, 2)).toBe(2);
      expect(await storage.countAfter(ROOM, 4)).toBe(0);
      expect(await storage.countAfter(OTHER, 0)).toBe(1);
    });

    it('STORE-10 deleteRoom erases log, snapshots and devices, and leaves a tombstone that createRoom cannot lift', async () => {
      await storage.addDevice(ROOM, new Uint8Array(32).fill(1), 300);
      await storage.appendBatch([entry(1), entry(2), snapshot(3, 2), entry(1, { roomId: OTHER })], 2_000);
      await storage.deleteRoom(ROOM, 4_000);
      expect(await storage.getRoom(ROOM)).toMatchObject({ roomId: ROOM, deleted: true, maxRelaySeq: 0, bytesUsed: 0 });
      expect(await readAll()).toEqual([]);
      expect(await storage.listDevices(ROOM)).toEqual([]);
      expect(await storage.newestSnapshot(ROOM)).toBeNull();
      expect(await storage.countAfter(ROOM, 0)).toBe(0);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(-1);
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 1)).toBeNull();
      await storage.createRoom(ROOM, AUTH_PK, 5_000);
      expect((await storage.getRoom(ROOM))?.deleted).toBe(true);
      // Other rooms are untouched.
      expect((await readAll(OTHER)).map((row) => row.relaySeq)).toEqual([1]);
      expect((await storage.getRoom(OTHER))?.deleted).toBe(false);
    });

    it('STORE-10 deleting a room that never existed still leaves a tombstone', async () => {
      await storage.deleteRoom('never-created', 4_000);
      await storage.createRoom('never-created', AUTH_PK, 5_000);
      expect((await storage.getRoom('never-created'))?.deleted).toBe(true);
    });

    it('STORE-11 an entry appended to a deleted room is not stored (a late group commit must not resurrect data)', async () => {
      await storage.deleteRoom(ROOM, 4_000);
      // Refusing the entry (throwing) or dropping it are both acceptable; storing it is not.
      await storage.appendBatch([entry(1)], 4_002).catch(() => undefined);
      expect(summary(await readAll())).toEqual([]);
      expect(await storage.getRoom(ROOM)).toMatchObject({ deleted: true, maxRelaySeq: 0, bytesUsed: 0 });
    });

    it('STORE-11 a device added to a deleted room is not stored', async () => {
      await storage.deleteRoom(ROOM, 4_000);
      await storage.addDevice(ROOM, new Uint8Array(32).fill(1), 4_001);
      expect((await storage.listDevices(ROOM)).map(hex)).toEqual([]);
    });

    it('STORE-12 collectGarbage deletes only entries superseded before the cutoff, never a live one or the newest snapshot', async () => {
      await storage.appendBatch([entry(1), entry(2), entry(3)], 2_000);
      await storage.appendBatch([snapshot(4, 2, { seq: 4 })], 3_000); // supersedes 1, 2 at t=3000
      await storage.appendBatch([entry(5), entry(6)], 3_500);
      await storage.appendBatch([snapshot(7, 5, { seq: 7 })], 5_000); // supersedes 3, 4, 5 at t=5000
      await storage.appendBatch([entry(8)], 5_500);
      // The cutoff is exclusive: superseded exactly at the cutoff is kept.
      expect(await storage.collectGarbage(3_000)).toBe(0);
      expect(await storage.collectGarbage(3_001)).toBe(2);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([3, 4, 5, 6, 7, 8]);
      expect(await storage.collectGarbage(Number.MAX_SAFE_INTEGER)).toBe(3);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([6, 7, 8]);
      expect((await storage.newestSnapshot(ROOM))?.relaySeq).toBe(7);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 8, bytesUsed: 3 * 40 });
      // Collected entries are gone from the idempotency lookups too; live ones remain.
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 1)).toBeNull();
      expect((await storage.findBySessionSeq(ROOM, SESSION_1, 6))?.relaySeq).toBe(6);
    });

    it('STORE-12 collectGarbage never deletes anything in a room without snapshots', async () => {
      await storage.appendBatch([entry(1), entry(2), entry(3)], 2_000);
      expect(await storage.collectGarbage(Number.MAX_SAFE_INTEGER)).toBe(0);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1, 2, 3]);
    });

    it('STORE-13 getRoom reports maxRelaySeq and the bytes of unsuperseded entries', async () => {
      await storage.appendBatch([entry(1, { size: 100 }), entry(2, { size: 200 })], 2_000);
      await storage.appendBatch([entry(3, { size: 300 }), entry(1, { roomId: OTHER, size: 9 })], 2_001);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 3, bytesUsed: 600 });
      expect(await storage.getRoom(OTHER)).toMatchObject({ maxRelaySeq: 1, bytesUsed: 9 });
      await storage.appendBatch([snapshot(4, 2, { size: 50 })], 3_000);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 4, bytesUsed: 300 + 50 });
    });
    it('STORE-16 commitSequenced numbers each room gaplessly in the order given, after what appendBatch stored; the head read follows', async () => {
      expect(await headOf(ROOM)).toBe(0);
      expect(await headOf('never-created')).toBe(0);
      await storage.appendBatch([entry(1, { seq: 100 }), entry(2, { seq: 101 })], 2_000);
      expect(await headOf(ROOM)).toBe(2);
      const batch = [write(0), write(0, { roomId: OTHER, size: 7 }), write(1), write(5, { sessionId: SESSION_2 }), write(1, { roomId: OTHER })];
      const result = await storage.commitSequenced(batch, NO_QUOTA, 3_000);
      expect(result.outcomes).toEqual([
        { kind: 'stored', relaySeq: 3 },
        { kind: 'stored', relaySeq: 1 },
        { kind: 'stored', relaySeq: 4 },
        { kind: 'stored', relaySeq: 5 },
        { kind: 'stored', relaySeq: 2 },
      ]);
      expect(result.freedBytesByRoom.size).toBe(0);
      expect(await headOf(ROOM)).toBe(5);
      expect(await headOf(OTHER)).toBe(2);
      const expected = (relaySeq: number, w: SequencedWrite): ReturnType<typeof summary>[number] => ({ relaySeq, covers: null, bytes: hex(w.envelope) });
      expect(summary(await storage.readLog(ROOM, 2, 100, 100))).toEqual([expected(3, batch[0]!), expected(4, batch[2]!), expected(5, batch[3]!)]);
      expect(summary(await readAll(OTHER))).toEqual([expected(1, batch[1]!), expected(2, batch[4]!)]);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 5, bytesUsed: 5 * 40 });
      expect((await storage.findBySessionSeq(ROOM, SESSION_2, 5))?.relaySeq).toBe(5);
      expect(await storage.maxSeqOfSession(ROOM, SESSION_1)).toBe(101);
      // The next commit continues where this one stopped.
      expect((await storage.commitSequenced([write(2)], NO_QUOTA, 3_001)).outcomes).toEqual([{ kind: 'stored', relaySeq: 6 }]);
    });

    it('STORE-17 a resend of a stored (session, seq) with the same bytes is a duplicate with the original relaySeq; other bytes conflict; neither stores or numbers anything', async () => {
      await storage.commitSequenced([write(0), write(1)], NO_QUOTA, 2_000);
      const result = await storage.commitSequenced(
        [write(1), write(0, { envelope: new Uint8Array(40).fill(9) }), write(2), write(2), write(3), write(3, { size: 41 }), write(0)],
        NO_QUOTA,
        2_001,
      );
      expect(result.outcomes).toEqual([
        { kind: 'duplicate', relaySeq: 2 },
        { kind: 'conflict' },
        { kind: 'stored', relaySeq: 3 },
        // A repeat within the batch gets the earlier write's relaySeq, or conflicts with it.
        { kind: 'duplicate', relaySeq: 3 },
        { kind: 'stored', relaySeq: 4 },
        { kind: 'conflict' },
        { kind: 'duplicate', relaySeq: 1 },
      ]);
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([1, 2, 3, 4]);
      expect(hex((await storage.findBySessionSeq(ROOM, SESSION_1, 0))!.envelope)).toBe(hex(write(0).envelope));
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 4, bytesUsed: 4 * 40 });
      // Duplicates work the same for rows appendBatch stored.
      await storage.appendBatch([entry(5, { sessionId: SESSION_2, seq: 0 })], 2_002);
      const resend = write(0, { sessionId: SESSION_2, envelope: envelopeOf(5, 40) });
      expect((await storage.commitSequenced([resend], NO_QUOTA, 2_003)).outcomes).toEqual([{ kind: 'duplicate', relaySeq: 5 }]);
    });

    it('STORE-18 a write over the quota is refused whole with every later write of its session in the batch: no partial write, counter and used bytes unchanged', async () => {
      await storage.commitSequenced([write(0, { size: 60 })], 100, 2_000);
      const result = await storage.commitSequenced(
        [
          write(1, { size: 30 }), // 60 + 30 fits
          write(2, { size: 20 }), // 110 > 100: refused
          write(3, { size: 4 }), // fits, but its session already hit the quota in this batch
          write(0, { sessionId: SESSION_2, size: 10 }), // another session: fits (100)
          write(1, { sessionId: SESSION_2, size: 4 }), // 104 > 100: refused
          write(9, { sessionId: SESSION_2, size: 500, coversRelaySeq: 1 }), // a snapshot, but after its session's refusal
          write(0, { roomId: OTHER, size: 100 }), // another room has its own quota
        ],
        100,
        2_001,
      );
      expect(result.outcomes).toEqual([
        { kind: 'stored', relaySeq: 2 },
        { kind: 'quota' },
        { kind: 'quota' },
        { kind: 'stored', relaySeq: 3 },
        { kind: 'quota' },
        { kind: 'quota' },
        { kind: 'stored', relaySeq: 1 },
      ]);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 3, bytesUsed: 100 });
      expect(await headOf(ROOM)).toBe(3);
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 2)).toBeNull();
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 3)).toBeNull();
      // A full room still takes snapshots (exempt: they are what frees room), and then updates again.
      const snap = await storage.commitSequenced([write(7, { sessionId: SESSION_2, size: 500, coversRelaySeq: 3 }), write(2, { size: 20 })], 100, 2_002);
      expect(snap.outcomes).toEqual([{ kind: 'stored', relaySeq: 4 }, { kind: 'quota' }]);
      expect(snap.freedBytesByRoom.get(ROOM)).toBe(100);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 4, bytesUsed: 500 });
      const room = await storage.commitSequenced([write(2, { size: 20 })], 600, 2_003);
      expect(room.outcomes).toEqual([{ kind: 'stored', relaySeq: 5 }]);
    });

    it('STORE-19 idempotency survives compaction: a resend of an erased (session, seq) is still a duplicate with its relaySeq, other bytes still conflict', async () => {
      await storage.commitSequenced([write(0), write(1), write(2)], NO_QUOTA, 2_000);
      await storage.commitSequenced([write(0, { sessionId: SESSION_2, coversRelaySeq: 2, size: 50 })], NO_QUOTA, 3_000);
      expect(await storage.collectGarbage(3_001)).toBe(2);
      // The rows are gone from the log and from the process-sequencing lookups (STORE-12)…
      expect((await readAll()).map((row) => row.relaySeq)).toEqual([3, 4]);
      expect(await storage.findBySessionSeq(ROOM, SESSION_1, 0)).toBeNull();
      // …but commitSequenced still recognises them.
      const result = await storage.commitSequenced([write(0), write(1, { size: 41 }), write(3)], NO_QUOTA, 3_002);
      expect(result.outcomes).toEqual([{ kind: 'duplicate', relaySeq: 1 }, { kind: 'conflict' }, { kind: 'stored', relaySeq: 5 }]);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 5, bytesUsed: 40 + 50 + 40 });
      // A deleted room forgets them with everything else.
      await storage.deleteRoom(ROOM, 4_000);
      expect((await storage.commitSequenced([write(0)], NO_QUOTA, 4_001)).outcomes).toEqual([{ kind: 'deleted' }]);
    });

    it('STORE-20 a snapshot covering its own relaySeq or beyond is rejected; an accepted one supersedes in the same commit and reports freed bytes per room', async () => {
      await storage.commitSequenced([write(0, { size: 10 }), write(1, { size: 20 }), write(0, { roomId: OTHER, size: 5 })], NO_QUOTA, 2_000);
      const result = await storage.commitSequenced(
        [
          write(0, { sessionId: SESSION_2, coversRelaySeq: 3, size: 50 }), // would be relaySeq 3: covers itself
          write(2, { size: 30 }), // relaySeq 3
          write(1, { sessionId: SESSION_2, coversRelaySeq: 3, size: 50 }), // relaySeq 4 covers 1..3
          write(0, { roomId: OTHER, sessionId: SESSION_2, coversRelaySeq: 1, size: 6 }), // OTHER relaySeq 2
        ],
        NO_QUOTA,
        3_000,
      );
      expect(result.outcomes).toEqual([
        { kind: 'snapshot-rejected' },
        { kind: 'stored', relaySeq: 3 },
        { kind: 'stored', relaySeq: 4 },
        { kind: 'stored', relaySeq: 2 },
      ]);
      expect(result.freedBytesByRoom.get(ROOM)).toBe(60);
      expect(result.freedBytesByRoom.get(OTHER)).toBe(5);
      expect(await storage.getRoom(ROOM)).toMatchObject({ maxRelaySeq: 4, bytesUsed: 50 });
      expect(await storage.getRoom(OTHER)).toMatchObject({ maxRelaySeq: 2, bytesUsed: 6 });
      expect((await storage.newestSnapshot(ROOM))?.relaySeq).toBe(4);
      expect(await storage.collectGarbage(3_001)).toBe(4);
      // The rejected snapshot was not stored: its (session, seq) is still free.
      expect(await storage.findBySessionSeq(ROOM, SESSION_2, 0)).toBeNull();
    });

    it('STORE-21 writes to a deleted or unknown room are refused as deleted and store nothing; other rooms in the batch are unaffected', async () => {
      await storage.commitSequenced([write(0)], NO_QUOTA, 2_000);
      await storage.deleteRoom(ROOM, 3_000);
      const result = await storage.commitSequenced([write(1), write(0, { roomId: OTHER }), write(0, { roomId: 'never-created' })], NO_QUOTA, 3_001);
      expect(result.outcomes).toEqual([{ kind: 'deleted' }, { kind: 'stored', relaySeq: 1 }, { kind: 'deleted' }]);
      expect(await readAll()).toEqual([]);
      expect(await storage.getRoom(ROOM)).toMatchObject({ deleted: true, maxRelaySeq: 0, bytesUsed: 0 });
      expect(await headOf(ROOM)).toBe(0);
      expect(await storage.getRoom('never-created')).toBeNull();
    });
    it('STORE-26 readRoomHeads reads head, seal, tombstone and device count of many rooms at once; a room never created is absent', async () => {
      await storage.commitSequenced([write(0), write(1), write(0, { roomId: OTHER })], NO_QUOTA, 2_000);
      await storage.addDevice(ROOM, new Uint8Array(32).fill(1), 2_001);
      await storage.addDevice(ROOM, new Uint8Array(32).fill(2), 2_002);
      await storage.setSealed(OTHER, true);
      const heads = await storage.readRoomHeads([ROOM, OTHER, 'never-created']);
      expect(heads.get(ROOM)).toEqual({ head: 2, sealed: false, deleted: false, deviceCount: 2, revokedCount: 0 });
      expect(heads.get(OTHER)).toEqual({ head: 1, sealed: true, deleted: false, deviceCount: 0, revokedCount: 0 });
      expect(heads.has('never-created')).toBe(false);
      // A revoked device leaves the device count and enters the revoked count (SEALED-19).
      expect(await storage.revokeDevice(ROOM, new Uint8Array(32).fill(2), new Uint8Array(32).fill(1), 2_500)).toBe(true);
      expect((await storage.readRoomHeads([ROOM])).get(ROOM)).toEqual({ head: 2, sealed: false, deleted: false, deviceCount: 1, revokedCount: 1 });
      await storage.deleteRoom(ROOM, 3_000);
      expect((await storage.readRoomHeads([ROOM])).get(ROOM)).toEqual({ head: 0, sealed: false, deleted: true, deviceCount: 0, revokedCount: 0 });
      expect((await storage.readRoomHeads([])).size).toBe(0);
    });

    describe('answer-key escrow (ESCROW-1..5)', () => {
      const SLOT = new Uint8Array(16).fill(0x5a);
      const OTHER_SLOT = new Uint8Array(16).fill(0x5b);
      const alex = new Uint8Array(32).fill(0xa1);
      const sam = new Uint8Array(32).fill(0xb2);
      const jo = new Uint8Array(32).fill(0xc3);
      const LATER = 10_000;
      const boxFor = (from: Uint8Array, to: Uint8Array): Uint8Array => new Uint8Array([from[0]!, to[0]!, 0x42]);
      const answer = (depositor: Uint8Array, recipients: readonly Uint8Array[], options: { slot?: Uint8Array; record?: number; expiresAt?: number; roomId?: string } = {}) => ({
        roomId: options.roomId ?? ROOM,
        slotTag: options.slot ?? SLOT,
        depositor,
        kind: 'answer' as const,
        record: new Uint8Array([depositor[0]!, options.record ?? 1]),
        boxes: recipients.map((recipient) => ({ recipient, box: boxFor(depositor, recipient) })),
        expiresAt: options.expiresAt ?? LATER,
      });
      const decline = (depositor: Uint8Array) => ({ roomId: ROOM, slotTag: SLOT, depositor, kind: 'decline' as const, record: new Uint8Array([depositor[0]!, 0xdd]), boxes: [], expiresAt: LATER });
      const released = (releases: readonly { depositor: Uint8Array; record: Uint8Array; box: Uint8Array }[]) =>
        releases.map((release) => ({ depositor: hex(release.depositor), record: hex(release.record), box: hex(release.box) })).sort((a, b) => a.depositor.localeCompare(b.depositor));
      const releaseOf = (from: Uint8Array, to: Uint8Array) => ({ depositor: hex(from), record: hex(new Uint8Array([from[0]!, 1])), box: hex(boxFor(from, to)) });

      it('ESCROW-1 a device receives the boxes addressed to it only with its own stored answer: the first depositor gets nothing, the second gets the first one\'s box in the same reply', async () => {
        const first = await storage.depositEscrow(answer(alex, [sam]), 2_000);
        expect(first).toEqual({ kind: 'stored', releases: [] });
        // Before Sam deposits, the relay holds Alex's box for Sam but gives it to nobody.
        expect(await storage.readEscrowReleases(ROOM, SLOT, sam)).toEqual([]);
        const second = await storage.depositEscrow(answer(sam, [alex]), 2_001);
        expect(second.kind).toBe('stored');
        expect(second.kind === 'stored' && released(second.releases)).toEqual([releaseOf(alex, sam)]);
        // Alex, who deposited first, now reads Sam's box; nobody reads a box addressed to someone else.
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, alex))).toEqual([releaseOf(sam, alex)]);
        expect(await storage.readEscrowReleases(ROOM, SLOT, jo)).toEqual([]);
        expect(await storage.readEscrowReleases(ROOM, OTHER_SLOT, alex)).toEqual([]);
      });

      it('ESCROW-2 a deposit is kept once per device and slot: the same record again is a duplicate with the releases, another record is a conflict that changes nothing', async () => {
        await storage.depositEscrow(answer(sam, [alex]), 2_000);
        expect((await storage.depositEscrow(answer(alex, [sam]), 2_001)).kind).toBe('stored');
        const again = await storage.depositEscrow(answer(alex, [sam]), 2_002);
        expect(again.kind === 'duplicate' && released(again.releases)).toEqual([releaseOf(sam, alex)]);
        expect(await storage.depositEscrow(answer(alex, [sam], { record: 2 }), 2_003)).toEqual({ kind: 'conflict' });
        expect(await storage.depositEscrow({ ...decline(alex) }, 2_004)).toEqual({ kind: 'conflict' });
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, sam))).toEqual([releaseOf(alex, sam)]);
      });

      it('ESCROW-3 a device that declined never receives a box, and a decline releases nothing to anyone', async () => {
        await storage.depositEscrow(answer(alex, [sam, jo]), 2_000);
        expect(await storage.depositEscrow(decline(sam), 2_001)).toEqual({ kind: 'stored', releases: [] });
        expect(await storage.readEscrowReleases(ROOM, SLOT, sam)).toEqual([]);
        await storage.depositEscrow(answer(jo, [alex, sam]), 2_002);
        expect(await storage.readEscrowReleases(ROOM, SLOT, sam)).toEqual([]);
        // Alex sees Jo's answer; the decline gave Alex nothing to open.
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, alex))).toEqual([releaseOf(jo, alex)]);
      });

      it('ESCROW-11 a device with its own answer deposit sees every other answer deposit\'s record, with a box only where one is addressed to it; declines are not listed', async () => {
        // Sam deposits with no box for anyone (strict release, or a client that boxes nothing).
        await storage.depositEscrow(answer(sam, []), 2_000);
        await storage.depositEscrow(decline(jo), 2_001);
        expect(await storage.readEscrowReleases(ROOM, SLOT, alex)).toEqual([]);
        const alexReply = await storage.depositEscrow(answer(alex, [sam]), 2_002);
        const samRecordOnly = { depositor: hex(sam), record: hex(new Uint8Array([sam[0]!, 1])), box: '' };
        expect(alexReply.kind === 'stored' && released(alexReply.releases)).toEqual([samRecordOnly]);
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, sam))).toEqual([releaseOf(alex, sam)]);
      });

      it('ESCROW-4 deposits expire at their time with their boxes, and deleting the room erases them; a deleted room takes no deposit', async () => {
        await storage.depositEscrow(answer(alex, [sam], { expiresAt: 5_000 }), 2_000);
        await storage.depositEscrow(answer(sam, [alex], { expiresAt: 9_000 }), 2_001);
        await storage.depositEscrow(answer(alex, [sam], { slot: OTHER_SLOT, expiresAt: 9_000 }), 2_002);
        expect(await storage.expireEscrow(4_999)).toBe(0);
        expect(await storage.expireEscrow(5_000)).toBe(1);
        expect(await storage.readEscrowReleases(ROOM, SLOT, sam)).toEqual([]);
        expect(await storage.readEscrowReleases(ROOM, SLOT, alex)).toEqual([]);
        await storage.deleteRoom(ROOM, 6_000);
        expect(await storage.expireEscrow(99_000)).toBe(0);
        expect(await storage.depositEscrow(answer(jo, [alex]), 6_001)).toEqual({ kind: 'deleted' });
      });

      it('ESCROW-5 two devices depositing in one slot at the same moment: each ends up able to open the other\'s answer, and at least one got it in its reply', async () => {
        const [a, b] = await Promise.all([storage.depositEscrow(answer(alex, [sam]), 2_000), storage.depositEscrow(answer(sam, [alex]), 2_000)]);
        const inReplies = [a, b].map((outcome) => (outcome.kind === 'stored' ? outcome.releases.length : -1));
        expect(inReplies.sort()).toEqual([0, 1]);
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, alex))).toEqual([releaseOf(sam, alex)]);
        expect(released(await storage.readEscrowReleases(ROOM, SLOT, sam))).toEqual([releaseOf(alex, sam)]);
      });
    });

    describe('revoked devices (SEALED-19)', () => {
      const alex = new Uint8Array(32).fill(0xa1);
      const sam = new Uint8Array(32).fill(0xb2);
      const lost = new Uint8Array(32).fill(0xc3);
      const stranger = new Uint8Array(32).fill(0xd4);
      const SLOT = new Uint8Array(16).fill(0x5a);
      const keys = async (list: Promise<Uint8Array[]>): Promise<string[]> => (await list).map(hex).sort();
      const boxFor = (from: Uint8Array, to: Uint8Array): Uint8Array => new Uint8Array([from[0]!, to[0]!, 0x42]);
      const answer = (depositor: Uint8Array, recipients: readonly Uint8Array[]) => ({
        roomId: ROOM,
        slotTag: SLOT,
        depositor,
        kind: 'answer' as const,
        record: new Uint8Array([depositor[0]!, 1]),
        boxes: recipients.map((recipient) => ({ recipient, box: boxFor(depositor, recipient) })),
        expiresAt: 10_000,
      });
      const boxesTo = async (device: Uint8Array): Promise<string[]> =>
        (await storage.readEscrowReleases(ROOM, SLOT, device)).filter((release) => release.box.length > 0).map((release) => hex(release.box)).sort();
      const subscription = (device: Uint8Array) => ({ devicePublicKey: device, endpoint: `https://push.example/${device[0]}`, p256dh: new Uint8Array(65).fill(1), auth: new Uint8Array(16).fill(1) });

      beforeEach(async () => {
        for (const device of [alex, sam, lost]) await storage.addDevice(ROOM, device, 200);
      });

      it('SEALED-19 a revoked device leaves the device list for the revoked list, for good: registering it again, or revoking it again, changes nothing', async () => {
        expect(await storage.revokeDevice(ROOM, lost, alex, 2_000)).toBe(true);
        expect(await keys(storage.listDevices(ROOM))).toEqual([hex(alex), hex(sam)].sort());
        expect(await keys(storage.listRevokedDevices(ROOM))).toEqual([hex(lost)]);
        await storage.addDevice(ROOM, lost, 2_001);
        expect(await keys(storage.listDevices(ROOM))).toEqual([hex(alex), hex(sam)].sort());
        expect(await storage.revokeDevice(ROOM, lost, sam, 2_002)).toBe(false);
        expect(await keys(storage.listRevokedDevices(ROOM))).toEqual([hex(lost)]);
        // Per room: the same key elsewhere is untouched.
        await storage.addDevice(OTHER, lost, 2_003);
        expect(await keys(storage.listDevices(OTHER))).toEqual([hex(lost)]);
        expect(await storage.listRevokedDevices(OTHER)).toEqual([]);
      });

      it('SEALED-19 only another active device revokes, and only a registered device: itself, a stranger, by a stranger or by a revoked device change nothing', async () => {
        expect(await storage.revokeDevice(ROOM, alex, alex, 2_000)).toBe(false);
        expect(await storage.revokeDevice(ROOM, stranger, alex, 2_001)).toBe(false);
        expect(await storage.revokeDevice(ROOM, sam, stranger, 2_002)).toBe(false);
        expect(await storage.revokeDevice(ROOM, sam, alex, 2_003)).toBe(true);
        // Two devices revoking each other: the second (by a device now revoked) is refused.
        expect(await storage.revokeDevice(ROOM, alex, sam, 2_004)).toBe(false);
        expect(await storage.revokeDevice('never-created', sam, alex, 2_005)).toBe(false);
        expect(await keys(storage.listDevices(ROOM))).toEqual([hex(alex), hex(lost)].sort());
        expect(await keys(storage.listRevokedDevices(ROOM))).toEqual([hex(sam)]);
      });

      it('SEALED-19 revoking erases the escrow boxes addressed to the device and its push subscription; its own deposits stay openable by the others', async () => {
        await storage.depositEscrow(answer(lost, [alex, sam]), 2_000);
        await storage.depositEscrow(answer(alex, [sam, lost]), 2_001);
        await storage.depositEscrow(answer(sam, [alex, lost]), 2_002);
        expect(await boxesTo(lost)).toEqual([hex(boxFor(alex, lost)), hex(boxFor(sam, lost))].sort());
        for (const device of [alex, lost]) await storage.savePushSubscription(ROOM, subscription(device), 2_003);
        expect(await storage.revokeDevice(ROOM, lost, alex, 2_004)).toBe(true);
        expect(await boxesTo(lost)).toEqual([]);
        expect(await boxesTo(alex)).toEqual([hex(boxFor(lost, alex)), hex(boxFor(sam, alex))].sort());
        expect(await boxesTo(sam)).toEqual([hex(boxFor(alex, sam)), hex(boxFor(lost, sam))].sort());
        expect((await storage.listPushSubscriptions(ROOM)).map((row) => hex(row.devicePublicKey))).toEqual([hex(alex)]);
        // A revoked device's subscription is not kept again.
        await storage.savePushSubscription(ROOM, subscription(lost), 2_005);
        expect((await storage.listPushSubscriptions(ROOM)).map((row) => hex(row.devicePublicKey))).toEqual([hex(alex)]);
      });

      it('SEALED-19 a later deposit boxing to a revoked device is stored without that box, the rest as usual', async () => {
        await storage.depositEscrow(answer(lost, []), 2_000);
        await storage.revokeDevice(ROOM, lost, alex, 2_001);
        expect((await storage.depositEscrow(answer(alex, [sam, lost]), 2_002)).kind).toBe('stored');
        await storage.depositEscrow(answer(sam, [alex]), 2_003);
        expect(await boxesTo(lost)).toEqual([]);
        expect(await boxesTo(sam)).toEqual([hex(boxFor(alex, sam))]);
        expect(await boxesTo(alex)).toEqual([hex(boxFor(sam, alex))]);
      });

      it('SEALED-19 deleting the room erases revoked devices too', async () => {
        await storage.revokeDevice(ROOM, lost, alex, 2_000);
        await storage.deleteRoom(ROOM, 3_000);
        expect(await storage.listRevokedDevices(ROOM)).toEqual([]);
        expect(await storage.listDevices(ROOM)).toEqual([]);
      });
    });

    describe('admission tickets (SEALED-21)', () => {
      const alex = new Uint8Array(32).fill(0xa1);
      const sam = new Uint8Array(32).fill(0xb2);
      const stranger = new Uint8Array(32).fill(0xd4);
      const ticket = (n: number): Uint8Array => new Uint8Array(32).fill(n);
      const TTL = 15 * 60_000;

      beforeEach(async () => {
        for (const device of [alex, sam]) await storage.addDevice(ROOM, device, 200);
      });

      it('SEALED-21 a ticket is consumed once: the first use gets true, every later one false; another room or another hash never matches', async () => {
        expect(await storage.addAdmissionTicket(ROOM, ticket(1), alex, 1_000, 1_000 + TTL)).toBe(true);
        expect(await storage.consumeAdmissionTicket(OTHER, ticket(1), 1_001)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(2), 1_001)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 1_002)).toBe(true);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 1_003)).toBe(false);
        expect(await storage.consumeAdmissionTicket('never-created', ticket(1), 1_004)).toBe(false);
      });

      it('SEALED-21 two handshakes consuming one ticket at the same moment: exactly one gets it', async () => {
        await storage.addAdmissionTicket(ROOM, ticket(1), alex, 1_000, 1_000 + TTL);
        const results = await Promise.all([1, 2, 3, 4].map(() => storage.consumeAdmissionTicket(ROOM, ticket(1), 1_001)));
        expect(results.filter(Boolean).length).toBe(1);
      });

      it('SEALED-21 a ticket admits until its expiry and not at it; expiry erases it, and the same hash again is a no-op that keeps the first expiry', async () => {
        await storage.addAdmissionTicket(ROOM, ticket(1), alex, 1_000, 2_000);
        expect(await storage.addAdmissionTicket(ROOM, ticket(1), sam, 1_500, 9_000)).toBe(true);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 2_000)).toBe(false);
        await storage.addAdmissionTicket(ROOM, ticket(2), alex, 1_000, 2_000);
        await storage.addAdmissionTicket(ROOM, ticket(3), alex, 1_000, 5_000);
        expect(await storage.expireAdmissionTickets(1_999)).toBe(0);
        expect(await storage.expireAdmissionTickets(2_000)).toBe(2);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(2), 1_999)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(3), 4_999)).toBe(true);
      });

      it('SEALED-21 at most 4 unexpired tickets per room: a fifth replaces the oldest; expired ones do not count', async () => {
        await storage.addAdmissionTicket(ROOM, ticket(9), alex, 500, 900);
        for (let n = 1; n <= 5; n++) await storage.addAdmissionTicket(ROOM, ticket(n), n % 2 === 0 ? sam : alex, 1_000 + n, 1_000 + TTL);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 2_000)).toBe(false);
        for (let n = 2; n <= 5; n++) expect(await storage.consumeAdmissionTicket(ROOM, ticket(n), 2_000), `ticket ${n}`).toBe(true);
        // Another room's tickets are its own.
        await storage.addDevice(OTHER, alex, 200);
        await storage.addAdmissionTicket(OTHER, ticket(1), alex, 3_000, 3_000 + TTL);
        for (let n = 2; n <= 5; n++) await storage.addAdmissionTicket(ROOM, ticket(n), alex, 3_000 + n, 3_000 + TTL);
        expect(await storage.consumeAdmissionTicket(OTHER, ticket(1), 4_000)).toBe(true);
      });

      it('SEALED-21 only an active device of a live room issues: a stranger, a revoked device or a deleted room store nothing; revoking a device erases the tickets it issued', async () => {
        expect(await storage.addAdmissionTicket(ROOM, ticket(1), stranger, 1_000, 1_000 + TTL)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 1_001)).toBe(false);
        await storage.addAdmissionTicket(ROOM, ticket(2), sam, 1_000, 1_000 + TTL);
        await storage.addAdmissionTicket(ROOM, ticket(3), alex, 1_000, 1_000 + TTL);
        expect(await storage.revokeDevice(ROOM, sam, alex, 1_100)).toBe(true);
        expect(await storage.addAdmissionTicket(ROOM, ticket(4), sam, 1_200, 1_200 + TTL)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(2), 1_300)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(4), 1_300)).toBe(false);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(3), 1_300)).toBe(true);
        expect(await storage.addAdmissionTicket('never-created', ticket(5), alex, 1_400, 1_400 + TTL)).toBe(false);
      });

      it('SEALED-21 deleting the room erases its tickets, and a deleted room takes none', async () => {
        await storage.addAdmissionTicket(ROOM, ticket(1), alex, 1_000, 1_000 + TTL);
        await storage.deleteRoom(ROOM, 1_100);
        expect(await storage.consumeAdmissionTicket(ROOM, ticket(1), 1_200)).toBe(false);
        expect(await storage.addAdmissionTicket(ROOM, ticket(2), alex, 1_300, 1_300 + TTL)).toBe(false);
        expect(await storage.expireAdmissionTickets(Number.MAX_SAFE_INTEGER)).toBe(0);
      });
    });

    it('STORE-27 the first VAPID key pair claimed is kept: every later claim (another relay, a restart) gets the same pair back', async () => {
      const first = { publicKey: 'BPub-first', privateKey: 'priv-first' };
      expect(await storage.claimVapidKeys(first)).toEqual(first);
      expect(await storage.claimVapidKeys({ publicKey: 'BPub-second', privateKey: 'priv-second' })).toEqual(first);
    });

    it('STORE-28 one push subscription per device and room: saved, replaced, listed per room, removed (only if still that endpoint when one is named), erased with the room', async () => {
      const device = new Uint8Array(32).fill(7);
      const other = new Uint8Array(32).fill(8);
      const subscription = (endpoint: string, fill: number) => ({ devicePublicKey: device, endpoint, p256dh: new Uint8Array(65).fill(fill), auth: new Uint8Array(16).fill(fill) });
      const listed = async (roomId = ROOM) =>
        (await storage.listPushSubscriptions(roomId)).map((row) => ({ device: hex(row.devicePublicKey), endpoint: row.endpoint, p256dh: hex(row.p256dh), auth: hex(row.auth) })).sort((a, b) => a.device.localeCompare(b.device));
      await storage.savePushSubscription(ROOM, subscription('https://push.example/old', 1), 2_000);
      await storage.savePushSubscription(ROOM, subscription('https://push.example/new', 2), 2_001);
      await storage.savePushSubscription(ROOM, { ...subscription('https://push.example/b', 3), devicePublicKey: other }, 2_002);
      await storage.savePushSubscription(OTHER, subscription('https://push.example/other-room', 4), 2_003);
      expect(await listed()).toEqual([
        { device: hex(device), endpoint: 'https://push.example/new', p256dh: hex(new Uint8Array(65).fill(2)), auth: hex(new Uint8Array(16).fill(2)) },
        { device: hex(other), endpoint: 'https://push.example/b', p256dh: hex(new Uint8Array(65).fill(3)), auth: hex(new Uint8Array(16).fill(3)) },
      ]);
      // A push service that called the old endpoint gone must not erase the newer subscription.
      expect(await storage.removePushSubscription(ROOM, device, 'https://push.example/old')).toBe(false);
      expect((await listed()).length).toBe(2);
      expect(await storage.removePushSubscription(ROOM, device, 'https://push.example/new')).toBe(true);
      expect(await storage.removePushSubscription(ROOM, other)).toBe(true);
      expect(await storage.removePushSubscription(ROOM, other)).toBe(false);
      expect(await listed()).toEqual([]);
      expect((await listed(OTHER)).map((row) => row.endpoint)).toEqual(['https://push.example/other-room']);
      await storage.deleteRoom(OTHER, 3_000);
      expect(await listed(OTHER)).toEqual([]);
      await storage.savePushSubscription(OTHER, subscription('https://push.example/after-delete', 5), 3_001);
      expect(await listed(OTHER)).toEqual([]);
      expect(await storage.listPushSubscriptions('never-created')).toEqual([]);
    });
  });
}
