import type { AppendEntry, RelayStorage, RoomRecord, StoredEnvelope } from './RelayStorage.ts';

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
  /** Ascending by relaySeq (appends always carry a larger relaySeq). */
  log: MemoryEntry[];
  bySessionSeq: Map<string, MemoryEntry>;
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const keyOf = (sessionId: string | Uint8Array, seq: number): string => `${typeof sessionId === 'string' ? sessionId : hexOf(sessionId)}:${seq}`;

/** Same contract as SQLite, nothing durable: for tests and throwaway relays. */
export function createMemoryStorage(): RelayStorage {
  const rooms = new Map<string, MemoryRoom>();

  const liveRoom = (roomId: string): MemoryRoom | undefined => {
    const room = rooms.get(roomId);
    return room === undefined || room.deleted ? undefined : room;
  };

  return {
    async getRoom(roomId): Promise<RoomRecord | null> {
      const room = rooms.get(roomId);
      if (room === undefined) return null;
      let bytesUsed = 0;
      for (const entry of room.log) if (entry.supersededAt === null) bytesUsed += entry.envelope.length;
      return {
        roomId,
        authPublicKey: room.authPublicKey,
        sealed: room.sealed,
        deleted: room.deleted,
        maxRelaySeq: room.log.at(-1)?.relaySeq ?? 0,
        bytesUsed,
      };
    },
    async createRoom(roomId, authPublicKey) {
      if (rooms.has(roomId)) return;
      rooms.set(roomId, { authPublicKey, sealed: false, deleted: false, devices: new Map(), log: [], bySessionSeq: new Map() });
    },
    async listDevices(roomId) {
      return [...(liveRoom(roomId)?.devices.values() ?? [])];
    },
    async addDevice(roomId, devicePublicKey) {
      liveRoom(roomId)?.devices.set(hexOf(devicePublicKey), devicePublicKey);
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
        const stored: MemoryEntry = {
          relaySeq: entry.relaySeq,
          envelope: entry.envelope.slice(),
          coversRelaySeq: entry.coversRelaySeq,
          sessionId: hexOf(entry.sessionId),
          seq: entry.seq,
          supersededAt: null,
        };
        room.log.push(stored);
        room.bySessionSeq.set(keyOf(entry.sessionId, entry.seq), stored);
        if (entry.coversRelaySeq !== null) {
          let bytes = 0;
          for (const old of room.log) {
            if (old.relaySeq > entry.coversRelaySeq) break;
            if (old.supersededAt === null) {
              old.supersededAt = now;
              bytes += old.envelope.length;
            }
          }
          freed.set(entry.roomId, (freed.get(entry.roomId) ?? 0) + bytes);
        }
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
    async deleteRoom(roomId) {
      rooms.set(roomId, { authPublicKey: new Uint8Array(), sealed: false, deleted: true, devices: new Map(), log: [], bySessionSeq: new Map() });
    },
    async collectGarbage(supersededBefore) {
      let removed = 0;
      for (const room of rooms.values()) {
        const kept = room.log.filter((entry) => entry.supersededAt === null || entry.supersededAt >= supersededBefore);
        removed += room.log.length - kept.length;
        for (const entry of room.log) if (!kept.includes(entry)) room.bySessionSeq.delete(keyOf(entry.sessionId, entry.seq));
        room.log = kept;
      }
      return removed;
    },
    async close() {},
  };
}
