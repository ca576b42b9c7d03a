import * as Y from 'yjs';
import { loadTypingPairs } from './lib/traces.ts';
const pairs = loadTypingPairs(60);
for (const p of pairs) {
  const doc = new Y.Doc(); let events = 0;
  doc.on('update', () => events++);
  let i = 0, j = 0, k = 0;
  while (i < 60 || j < 60) {
    const useA = j >= 60 || (i < 60 && (k++ % 3 !== 0));
    const u = useA ? p.updates[0][i++]! : p.updates[1][j++]!;
    const before = events; Y.applyUpdate(doc, u);
    if (events === before) console.log(p.trace, useA ? 'A' : 'B', useA ? i - 1 : j - 1, 'no event');
  }
  console.log(p.trace, events);
}
