import WebSocket from 'ws';
import { loadTypingPairs } from './lib/traces.ts';
import { startServer } from './lib/serverProcess.ts';
import { syncUpdateMessage, readVarUint, updateClientId } from './clients/yFrames.ts';
import * as Y from 'yjs';
const pairs = loadTypingPairs(300);
const server = await startServer({ kind: 'yws', durable: true });
const a = new WebSocket(`ws://127.0.0.1:${server.port}/r1`, { perMessageDeflate: false });
const b = new WebSocket(`ws://127.0.0.1:${server.port}/r1`, { perMessageDeflate: false });
await Promise.all([a, b].map((w) => new Promise((r) => w.once('open', r))));
let got = 0; const ids = new Map<number, number>();
b.on('message', (d: Buffer) => { if (d[0] === 0 && d[1] === 2) { const c = { pos: 2 }; readVarUint(d, c); const id = updateClientId(d, c); ids.set(id, (ids.get(id) ?? 0) + 1); got++; } });
const ups = pairs[0]!.updates[0];
for (let i = 0; i < 300; i++) a.send(syncUpdateMessage(null, ups[i]!));
await new Promise((r) => setTimeout(r, 1500));
console.log('got', got, [...ids]);
// which updates are odd?
const doc = new Y.Doc(); let bad = 0;
for (let i = 0; i < 300; i++) { const c = { pos: 0 }; const id = updateClientId(ups[i]!, c); if (id !== 1836311903) { bad++; if (bad < 5) console.log(i, id, Buffer.from(ups[i]!).toString('hex')); } }
console.log('bad', bad);
a.close(); b.close(); await server.stop();
