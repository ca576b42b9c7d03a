import type { RelayStorage, RoomHead } from './RelayStorage.ts';

/** readRoomHeads for the embedded engines, where a read is a function call, not a round trip. */
export async function readRoomHeadsOneByOne(storage: RelayStorage, roomIds: readonly string[]): Promise<Map<string, RoomHead>> {
  const heads = new Map<string, RoomHead>();
  for (const roomId of roomIds) {
    const record = await storage.getRoom(roomId);
    if (record === null) continue;
    const deviceCount = record.deleted ? 0 : (await storage.listDevices(roomId)).length;
    const revokedCount = record.deleted ? 0 : (await storage.listRevokedDevices(roomId)).length;
    heads.set(roomId, { head: record.deleted ? 0 : record.maxRelaySeq, sealed: record.sealed, deleted: record.deleted, deviceCount, revokedCount });
  }
  return heads;
}
