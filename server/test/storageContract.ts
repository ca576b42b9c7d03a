import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendEntry, RelayStorage, StoredEnvelope } from '../src/storage/RelayStorage.ts';

/**
 * The RelayStorage contract (PROTOCOL.md §6 "The log" and §7 "Compaction"), run against every implementation so
 * that the in-memory store used by fast tests cannot drift from the SQLite store used in production.
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
  });
}
