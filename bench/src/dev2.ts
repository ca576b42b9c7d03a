import WebSocket from 'ws';
import { loadTypingPairs } from './lib/traces.ts';
import { startServer } from './lib/serverProcess.ts';
import { readVarUint, updateClientId } from './clients/yFrames.ts';
import { buildTypingSchedule, EVENT } from './lib/schedule.ts';
import { planClients } from './workloads/rooms.ts';
const pairs = loadTypingPairs(2000);
const s = buildTypingSchedule({ clients: 200, durationMs: 8000, seed: 42 });
const plans = planClients({ format: 'yws', rooms: 100, pairs, updatesPerClient: s.updatesPerClient, presencePerClient: s.presencePerClient, seed: 43 });
const server = await startServer({ kind: 'yws' });
const a = new WebSocket(`ws://127.0.0.1:${server.port}/room-14`, { perMessageDeflate: false });
const b = new WebSocket(`ws://127.0.0.1:${server.port}/room-14`, { perMessageDeflate: false });
await Promise.all([a, b].map((w) => new Promise((r) => w.once('open', r))));
let got = 0;
b.on('message', (d: Buffer) => { if (d[0] === 0 && d[1] === 2) { const c = { pos: 2 }; readVarUint(d, c); const id = updateClientId(d, c); if (id !== 2971215073) got++; } });
const mode = process.argv[2];
for (let i = 0; i < s.time.length; i++) {
  const c = s.client[i]!; if (c !== 28 && c !== 29) continue;
  const p = plans[c]!; const w = c === 28 ? a : b;
  if (s.kind[i] === EVENT.UPDATE) w.send(p.updates[s.index[i]!]!);
  else if (mode !== 'nopresence') w.send(p.presence[s.index[i]!]!);
  await new Promise((r) => setTimeout(r, 5));
}
await new Promise((r) => setTimeout(r, 500));
console.log(mode, 'A sent', s.updatesPerClient[28], 'B got', got);
a.close(); b.close(); await server.stop();
