import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../storage/MemoryStorage.ts';
import type { AppendEntry } from '../storage/RelayStorage.ts';
import { GroupCommit } from './GroupCommit.ts';

const entry = (relaySeq: number): AppendEntry => ({
  roomId: 'room',
  relaySeq,
  sessionId: new Uint8Array(16).fill(0xab),
  seq: relaySeq,
  envelope: new Uint8Array(8),
  coversRelaySeq: null,
  receivedAt: 0,
});

describe('GroupCommit', () => {
  it('LOG-1 settles each batch once, in order; a failure while settling one batch does not stop the next from committing', async () => {
    const storage = createMemoryStorage();
    await storage.createRoom('room', new Uint8Array(32), 0);
    const settled: { seqs: number[]; ok: boolean }[] = [];
    const commits = new GroupCommit<AppendEntry, Map<string, number>>(
      (batch, now) => storage.appendBatch(batch, now),
      (batch, outcome) => {
        settled.push({ seqs: batch.map((row) => row.relaySeq), ok: outcome.ok });
        if (settled.length === 1) throw new Error('a bug while answering the first batch');
      },
    );
    commits.append(entry(1));
    commits.append(entry(2));
    await expect(commits.flush()).rejects.toThrow('a bug while answering the first batch');
    commits.append(entry(3));
    await commits.flush();
    expect(settled).toEqual([
      { seqs: [1, 2], ok: true },
      { seqs: [3], ok: true },
    ]);
    expect((await storage.readLog('room', 0, 10, 10)).map((row) => row.relaySeq)).toEqual([1, 2, 3]);
  });
});
