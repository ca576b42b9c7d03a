import { setUpPinning, startServer } from './lib/serverProcess.ts';
import { loadLongHistory } from './lib/traces.ts';
import { preloadYjsHistory, joinYjsRoom, preloadSeenHistory, joinSeenRoom, joinerDevice } from './workloads/w5Join.ts';
import * as Y from 'yjs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
setUpPinning();
const N = Number(process.argv[2] ?? 10000);
const { updates } = loadLongHistory(N);
const d = new Y.Doc(); for (const u of updates) Y.applyUpdate(d, u); const len = d.getText('paper').length;
for (const kind of ['yws', 'hocus'] as const) {
  const server = await startServer({ kind, durable: true });
  let t = performance.now();
  await preloadYjsHistory(kind, server.port, 'hist', updates, 0);
  console.log(kind, 'preload', performance.now() - t);
  for (let i = 0; i < 2; i++) console.log(kind, 'join', await joinYjsRoom(kind, server.port, 'hist', 'paper', len));
  await server.stop();
}
const dir = mkdtempSync(join(tmpdir(), 'w5-'));
let t = performance.now();
const rooms = await preloadSeenHistory({ dataDir: dir, seed: 1, rooms: [{ label: 'plain', updates, snapshot: false, textName: 'paper', expectedLength: len }, { label: 'snap', updates, snapshot: true, textName: 'paper', expectedLength: len }] });
console.log('seen preload', performance.now() - t);
const server = await startServer({ kind: 'seen', dataDir: dir });
const dev = joinerDevice();
for (const r of rooms) for (let i = 0; i < 2; i++) console.log('seen', r.label, await joinSeenRoom(server.port, r, dev));
await server.stop();
