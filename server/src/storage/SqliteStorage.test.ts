import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registerStorageContractTests } from '../../test/storageContract.ts';
import { createSqliteStorage } from './SqliteStorage.ts';

const tempDirs: string[] = [];
function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seen-sqlite-test-'));
  tempDirs.push(dir);
  return join(dir, 'relay.sqlite');
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

registerStorageContractTests('sqlite (file, WAL)', async () => {
  const storage = createSqliteStorage({ path: tempDbPath() });
  return { storage, cleanup: () => storage.close() };
});

describe('SqliteStorage durability', () => {
  it('STORE-14 rooms, devices, seal flag, log, supersession and tombstones survive closing and reopening the file', async () => {
    const path = tempDbPath();
    const authPk = new Uint8Array(32).fill(7);
    const device = new Uint8Array(32).fill(8);
    const first = createSqliteStorage({ path, synchronous: 'FULL' });
    await first.createRoom('kept', authPk, 100);
    await first.createRoom('gone', authPk, 100);
    await first.addDevice('kept', device, 200);
    await first.setSealed('kept', true);
    await first.appendBatch(
      [1, 2, 3].map((relaySeq) => ({
        roomId: 'kept',
        relaySeq,
        sessionId: 'aa'.repeat(16),
        seq: relaySeq - 1,
        envelope: new Uint8Array(10).fill(relaySeq),
        coversRelaySeq: null,
        receivedAt: 300,
      })),
      300,
    );
    await first.appendBatch(
      [{ roomId: 'kept', relaySeq: 4, sessionId: 'bb'.repeat(16), seq: 0, envelope: new Uint8Array(20).fill(4), coversRelaySeq: 2, receivedAt: 400 }],
      400,
    );
    await first.deleteRoom('gone', 500);
    await first.close();

    const second = createSqliteStorage({ path });
    try {
      const room = await second.getRoom('kept');
      expect(room).toMatchObject({ sealed: true, deleted: false, maxRelaySeq: 4, bytesUsed: 10 + 20 });
      expect(Buffer.from(room!.authPublicKey).equals(Buffer.from(authPk))).toBe(true);
      expect((await second.listDevices('kept')).map((key) => Buffer.from(key).toString('hex'))).toEqual([Buffer.from(device).toString('hex')]);
      const log = await second.readLog('kept', 0, 100, 100);
      expect(log.map((row) => [row.relaySeq, row.coversRelaySeq, row.envelope.length, row.envelope[0]])).toEqual([
        [1, null, 10, 1],
        [2, null, 10, 2],
        [3, null, 10, 3],
        [4, 2, 20, 4],
      ]);
      expect(await second.maxSeqOfSession('kept', 'aa'.repeat(16))).toBe(2);
      expect((await second.newestSnapshot('kept'))?.relaySeq).toBe(4);
      expect((await second.getRoom('gone'))?.deleted).toBe(true);
      // The supersession mark was durable too: only the covered entries are collectable.
      expect(await second.collectGarbage(401)).toBe(2);
    } finally {
      await second.close();
    }
  });
});
