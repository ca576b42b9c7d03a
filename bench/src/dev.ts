import { loadTypingPairs } from './lib/traces.ts';
import { setUpPinning } from './lib/serverProcess.ts';
import { prepareTyping, runTyping } from './workloads/w2Typing.ts';
const pins = setUpPinning();
console.log(pins);
const pairs = loadTypingPairs(2000);
const rooms = Number(process.argv[2] ?? 100);
const setup = prepareTyping({ rooms, durationMs: 8000, warmupMs: 2000, seed: 42, pairs, formats: ['seen', 'yws', 'hocus'] });
for (const kind of (process.argv[3] ?? 'seen,floor,yws,hocus').split(',') as any[]) {
  const r = await runTyping(setup, kind, 0);
  console.log(JSON.stringify(r));
}
