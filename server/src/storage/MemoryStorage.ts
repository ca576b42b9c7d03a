import { createHash } from 'node:crypto';
import { MAX_LIVE_TICKETS_PER_ROOM } from './AdmissionTicketStorage.ts';
import { planSequencedCommit } from './planSequencedCommit.ts';
import type { EscrowDeposit, EscrowRelease } from './EscrowStorage.ts';
import type { StoredPushSubscription, VapidKeys } from './PushStorage.ts';
import type { AppendEntry, RelayStorage, RoomRecord, SequencedWrite, StoredEnvelope } from './RelayStorage.ts';
import { readRoomHeadsOneByOne } from './readRoomHeadsOneByOne.ts';

interface MemoryEntry extends StoredEnvelope {
  readonly sessionId: string;
  readonly seq: number;
  supersededAt: number | null;
}

interface MemoryRoom {
  authPublicKey: Uint8Array;
  sealed: boolean;
  deleted: boolean;
  devices: Map<string, Uint8Array>;
  /** Revoked devices (SEALED-19), by hex: never registered again. */
  revoked: Map<string, Uint8Array>;
  /** Push subscriptions by device (hex). */
  pushSubscriptions: Map<string, StoredPushSubscription>;
  /** Escrow deposits by slot tag (hex), then depositor (hex). */
  escrow: Map<string, Map<string, EscrowDeposit>>;
  /** Admission tickets (SEALED-21) by hash (hex), oldest first (Map keeps insertion order). */
  tickets: Map<string, { issuedBy: string; expiresAt: number }>;
  /** Ascending by relaySeq (appends always carry a larger relaySeq). */
  log: MemoryEntry[];
  bySessionSeq: Map<string, MemoryEntry>;
  /** Highest relaySeq committed (the room's counter); erased entries do not lower it. */
  head: number;
  /** Bytes of unsuperseded entries. */
  usedBytes: number;
  /**
   * (session, seq) of entries erased by garbage collection → their relaySeq and a digest of their
   * bytes, so a resend after compaction is still told apart as duplicate or conflict (STORE-19).
   */
  compacted: Map<string, { relaySeq: number; digest: string }>;
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const keyOf = (sessionId: string | Uint8Array, seq: number): string => `${typeof sessionId === 'string' ? sessionId : hexOf(sessionId)}:${seq}`;
const digestOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const emptyRoom = (authPublicKey: Uint8Array, deleted: boolean): MemoryRoom => ({
  authPublicKey,
  sealed: false,
  deleted,
  devices: new Map(),
  revoked: new Map(),
  pushSubscriptions: new Map(),
  escrow: new Map(),
  tickets: new Map(),
  log: [],
  bySessionSeq: new Map(),
  head: 0,
  usedBytes: 0,
  compacted: new Map(),
});

/**
 * Same contract as SQLite, nothing durable: for tests and throwaway relays. `sharedSequencing`
 * lets several relays in one process share one store the way relays share PostgreSQL (the
 * cluster tests); it changes nothing else.
 */
export function createMemoryStorage(options: { sharedSequencing?: boolean } = {}): RelayStorage {
  const rooms = new Map<string, MemoryRoom>();
  let vapidKeys: VapidKeys | null = null;

  const liveRoom = (roomId: string): MemoryRoom | undefined => {
    const room = rooms.get(roomId);
    return room === undefined || room.deleted ? undefined : room;
  };

  /**
   * Every other answer deposit in the slot, with the box addressed to `device` (or none), if its own
   * answer is deposited there (ESCROW-11: a member sees who took part, and with which commitment).
   */
  const releasesFor = (room: MemoryRoom, slot: string, device: Uint8Array): EscrowRelease[] => {
    const deposits = room.escrow.get(slot);
    const deviceHex = hexOf(device);
    if (deposits?.get(deviceHex)?.kind !== 'answer') return [];
    const releases: EscrowRelease[] = [];
    for (const [depositorHex, deposit] of deposits) {
      if (depositorHex === deviceHex || deposit.kind !== 'answer') continue;
      const box = deposit.boxes.find((candidate) => hexOf(candidate.recipient) === deviceHex);
      releases.push({ depositor: deposit.depositor, record: deposit.record, box: box?.box ?? new Uint8Array(0) });
    }
    return releases.sort((a, b) => (hexOf(a.depositor) < hexOf(b.depositor) ? -1 : 1));
  };

  const store = (room: MemoryRoom, relaySeq: number, write: SequencedWrite): void => {
    const stored: MemoryEntry = {
      relaySeq,
      envelope: write.envelope.slice(),
      coversRelaySeq: write.coversRelaySeq,
      sessionId: hexOf(write.sessionId),
      seq: write.seq,
      supersededAt: null,
    };
    room.log.push(stored);
    room.bySessionSeq.set(keyOf(write.sessionId, write.seq), stored);
    room.head = Math.max(room.head, relaySeq);
    room.usedBytes += stored.envelope.length;
  };
  /** Marks every unsuperseded entry up to `covers` superseded; returns their bytes. */
  const supersede = (room: MemoryRoom, covers: number, now: number): number => {
    let bytes = 0;
    for (const old of room.log) {
      if (old.relaySeq > covers) break;
      if (old.supersededAt === null) {
        old.supersededAt = now;
        bytes += old.envelope.length;
      }
    }
    room.usedBytes -= bytes;
    return bytes;
  };

  const storage: RelayStorage = {
    sharedSequencing: options.sharedSequencing ?? false,
    async commitSequenced(writes, quotaBytes, now) {
      // Synchronous from here on: no other call interleaves, as a row lock would ensure.
      const plan = planSequencedCommit(
        writes,
        quotaBytes,
        (roomId) => {
          const room = liveRoom(roomId);
          return room === undefined ? { live: false, nextRelaySeq: 1, usedBytes: 0 } : { live: true, nextRelaySeq: room.head + 1, usedBytes: room.usedBytes };
        },
        (write) => {
          const room = liveRoom(write.roomId)!;
          const key = keyOf(write.sessionId, write.seq);
          const entry = room.bySessionSeq.get(key);
          if (entry !== undefined) return { relaySeq: entry.relaySeq, sameBytes: Buffer.from(entry.envelope).equals(Buffer.from(write.envelope)) };
          const erased = room.compacted.get(key);
          return erased === undefined ? null : { relaySeq: erased.relaySeq, sameBytes: erased.digest === digestOf(write.envelope) };
        },
      );
      const freedBytesByRoom = new Map<string, number>();
      for (const [roomId, planned] of plan.rooms) {
        const room = liveRoom(roomId)!;
        for (const row of planned.rows) store(room, row.relaySeq, row.write);
        let freed = 0;
        for (const row of planned.rows) if (row.write.coversRelaySeq !== null) freed += supersede(room, row.write.coversRelaySeq, now);
        if (freed > 0) freedBytesByRoom.set(roomId, freed);
      }
      return { outcomes: plan.outcomes, freedBytesByRoom };
    },
    readRoomHeads(roomIds) {
      return readRoomHeadsOneByOne(storage, roomIds);
    },
    async getRoom(roomId): Promise<RoomRecord | null> {
      const room = rooms.get(roomId);
      if (room === undefined) return null;
      return {
        roomId,
        authPublicKey: room.authPublicKey,
        sealed: room.sealed,
        deleted: room.deleted,
        maxRelaySeq: room.head,
        bytesUsed: room.usedBytes,
      };
    },
    async createRoom(roomId, authPublicKey) {
      if (rooms.has(roomId)) return;
      rooms.set(roomId, emptyRoom(authPublicKey, false));
    },
    async listDevices(roomId) {
      return [...(liveRoom(roomId)?.devices.values() ?? [])];
    },
    async listRevokedDevices(roomId) {
      return [...(liveRoom(roomId)?.revoked.values() ?? [])];
    },
    async addDevice(roomId, devicePublicKey) {
      const room = liveRoom(roomId);
      const device = hexOf(devicePublicKey);
      if (room !== undefined && !room.revoked.has(device)) room.devices.set(device, devicePublicKey);
    },
    async revokeDevice(roomId, devicePublicKey, revokedBy) {
      const room = liveRoom(roomId);
      const device = hexOf(devicePublicKey);
      const by = hexOf(revokedBy);
      if (room === undefined || device === by || !room.devices.has(device) || !room.devices.has(by)) return false;
      room.devices.delete(device);
      room.revoked.set(device, devicePublicKey);
      for (const deposits of room.escrow.values()) {
        for (const [depositor, deposit] of deposits) {
          deposits.set(depositor, { ...deposit, boxes: deposit.boxes.filter((box) => hexOf(box.recipient) !== device) });
        }
      }
      room.pushSubscriptions.delete(device);
      for (const [hash, ticket] of room.tickets) if (ticket.issuedBy === device) room.tickets.delete(hash);
      return true;
    },
    async addAdmissionTicket(roomId, ticketHash, issuedBy, now, expiresAt) {
      const room = liveRoom(roomId);
      const issuer = hexOf(issuedBy);
      if (room === undefined || !room.devices.has(issuer)) return false;
      const hash = hexOf(ticketHash);
      for (const [stored, ticket] of room.tickets) if (ticket.expiresAt <= now) room.tickets.delete(stored);
      if (room.tickets.has(hash)) return true;
      // Oldest first: the first keys are the ones to give up.
      while (room.tickets.size >= MAX_LIVE_TICKETS_PER_ROOM) room.tickets.delete(room.tickets.keys().next().value!);
      room.tickets.set(hash, { issuedBy: issuer, expiresAt });
      return true;
    },
    async consumeAdmissionTicket(roomId, ticketHash, now) {
      const room = liveRoom(roomId);
      const hash = hexOf(ticketHash);
      const ticket = room?.tickets.get(hash);
      if (ticket === undefined || ticket.expiresAt <= now) return false;
      return room!.tickets.delete(hash);
    },
    async expireAdmissionTickets(now) {
      let expired = 0;
      for (const room of rooms.values()) {
        for (const [hash, ticket] of room.tickets) {
          if (ticket.expiresAt > now) continue;
          room.tickets.delete(hash);
          expired++;
        }
      }
      return expired;
    },
    async setSealed(roomId, sealed) {
      const room = liveRoom(roomId);
      if (room !== undefined) room.sealed = sealed;
    },
    async appendBatch(entries: readonly AppendEntry[], now) {
      // Validate first so the batch is all-or-nothing, like the SQLite transaction.
      const inBatch = new Set<string>();
      for (const entry of entries) {
        const room = liveRoom(entry.roomId);
        if (room === undefined) throw new Error('room does not exist');
        const key = keyOf(entry.sessionId, entry.seq);
        if (room.bySessionSeq.has(key) || inBatch.has(`${entry.roomId}\n${key}`)) throw new Error('duplicate (session, seq)');
        inBatch.add(`${entry.roomId}\n${key}`);
      }
      const freed = new Map<string, number>();
      for (const entry of entries) {
        const room = liveRoom(entry.roomId)!;
        store(room, entry.relaySeq, entry);
        if (entry.coversRelaySeq !== null) freed.set(entry.roomId, (freed.get(entry.roomId) ?? 0) + supersede(room, entry.coversRelaySeq, now));
      }
      return freed;
    },
    async maxSeqOfSession(roomId, sessionId) {
      let max = -1;
      for (const entry of liveRoom(roomId)?.log ?? []) if (entry.sessionId === hexOf(sessionId) && entry.seq > max) max = entry.seq;
      return max;
    },
    async findBySessionSeq(roomId, sessionId, seq) {
      return liveRoom(roomId)?.bySessionSeq.get(keyOf(sessionId, seq)) ?? null;
    },
    async readLog(roomId, afterRelaySeq, upToRelaySeq, limit) {
      const out: StoredEnvelope[] = [];
      for (const entry of liveRoom(roomId)?.log ?? []) {
        if (entry.relaySeq <= afterRelaySeq) continue;
        if (entry.relaySeq > upToRelaySeq || out.length >= limit) break;
        out.push(entry);
      }
      return out;
    },
    async newestSnapshot(roomId) {
      let best: MemoryEntry | null = null;
      for (const entry of liveRoom(roomId)?.log ?? []) {
        if (entry.coversRelaySeq === null) continue;
        if (best === null || entry.coversRelaySeq >= best.coversRelaySeq!) best = entry;
      }
      return best;
    },
    async countAfter(roomId, relaySeq) {
      return (liveRoom(roomId)?.log ?? []).filter((entry) => entry.relaySeq > relaySeq).length;
    },
    async claimVapidKeys(candidate) {
      vapidKeys ??= candidate;
      return vapidKeys;
    },
    async savePushSubscription(roomId, subscription) {
      const room = liveRoom(roomId);
      const device = hexOf(subscription.devicePublicKey);
      if (room !== undefined && !room.revoked.has(device)) room.pushSubscriptions.set(device, subscription);
    },
    async removePushSubscription(roomId, devicePublicKey, endpoint) {
      const subscriptions = liveRoom(roomId)?.pushSubscriptions;
      const device = hexOf(devicePublicKey);
      const stored = subscriptions?.get(device);
      if (stored === undefined || (endpoint !== undefined && stored.endpoint !== endpoint)) return false;
      return subscriptions!.delete(device);
    },
    async listPushSubscriptions(roomId) {
      return [...(liveRoom(roomId)?.pushSubscriptions.values() ?? [])];
    },
    async depositEscrow(deposit) {
      const room = liveRoom(deposit.roomId);
      if (room === undefined) return { kind: 'deleted' };
      const slot = hexOf(deposit.slotTag);
      const deposits = room.escrow.get(slot) ?? new Map<string, EscrowDeposit>();
      room.escrow.set(slot, deposits);
      const existing = deposits.get(hexOf(deposit.depositor));
      if (existing !== undefined && (existing.kind !== deposit.kind || hexOf(existing.record) !== hexOf(deposit.record))) return { kind: 'conflict' };
      if (existing === undefined) {
        const boxes = deposit.kind === 'answer' ? deposit.boxes.filter((box) => !room.revoked.has(hexOf(box.recipient))) : [];
        deposits.set(hexOf(deposit.depositor), { ...deposit, boxes });
      }
      return { kind: existing === undefined ? 'stored' : 'duplicate', releases: releasesFor(room, slot, deposit.depositor) };
    },
    async readEscrowReleases(roomId, slotTag, device) {
      const room = liveRoom(roomId);
      return room === undefined ? [] : releasesFor(room, hexOf(slotTag), device);
    },
    async expireEscrow(now) {
      let expired = 0;
      for (const room of rooms.values()) {
        for (const [slot, deposits] of room.escrow) {
          for (const [device, deposit] of deposits) {
            if (deposit.expiresAt > now) continue;
            deposits.delete(device);
            expired++;
          }
          if (deposits.size === 0) room.escrow.delete(slot);
        }
      }
      return expired;
    },
    async deleteRoom(roomId) {
      rooms.set(roomId, emptyRoom(new Uint8Array(), true));
    },
    async collectGarbage(supersededBefore) {
      let removed = 0;
      for (const room of rooms.values()) {
        const kept: MemoryEntry[] = [];
        for (const entry of room.log) {
          if (entry.supersededAt === null || entry.supersededAt >= supersededBefore) {
            kept.push(entry);
            continue;
          }
          const key = keyOf(entry.sessionId, entry.seq);
          room.bySessionSeq.delete(key);
          room.compacted.set(key, { relaySeq: entry.relaySeq, digest: digestOf(entry.envelope) });
        }
        removed += room.log.length - kept.length;
        room.log = kept;
      }
      return removed;
    },
    async close() {},
  };
  return storage;
}
