import WebSocket from 'ws';
import { localOrigin } from '@seen/shared/doc';
import { generateRoomSecret } from '@seen/shared/crypto';
import { loadCreateRoomSession, type BenchRoomSession } from '../lib/clientSession.ts';
import { startServer } from '../lib/serverProcess.ts';

/**
 * Reveal latency in live mode against the merge window: Alex types a short burst into a draft,
 * then shares it; the time from the share to Sam's copy showing it, through the real relay and
 * two real @seen/sync sessions. Sharing is not draft typing, so it never waits for the window;
 * the typing still waiting travels with it.
 */
export interface RevealResult {
  readonly windowMs: number;
  readonly reveals: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

const KEYSTROKES_PER_BURST = 12;
const KEY_GAP_MS = 40;
const DRAFT = localOrigin('draft');
const SUBMIT = localOrigin('submit');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureRevealLatency(options: { readonly windowMs: number; readonly reveals: number }): Promise<RevealResult> {
  const server = await startServer({ kind: 'seen' });
  const createRoomSession = await loadCreateRoomSession();
  const sessions: BenchRoomSession[] = [];
  try {
    const secret = generateRoomSecret();
    const relayUrl = `ws://127.0.0.1:${server.port}`;
    const coalesceWindow = (origin: unknown): number => (origin === DRAFT ? options.windowMs : 0);
    const alex = createRoomSession({ secret, relayUrl, persistence: 'memory', WebSocket, coalesceWindow });
    const sam = createRoomSession({ secret, relayUrl, persistence: 'memory', WebSocket, coalesceWindow });
    sessions.push(alex, sam);
    await Promise.all([alex.whenSynced(), sam.whenSynced()]);
    const latencies: number[] = [];
    for (let reveal = 0; reveal < options.reveals; reveal++) {
      const draft = alex.doc.getText(`draft-${reveal}`);
      for (let key = 0; key < KEYSTROKES_PER_BURST; key++) {
        alex.doc.transact(() => draft.insert(draft.length, 'x'), DRAFT);
        await sleep(KEY_GAP_MS);
      }
      const shared = new Promise<number>((resolve) => {
        const answers = sam.doc.getMap('shared');
        const check = (): void => {
          if (answers.has(String(reveal))) {
            answers.unobserve(check);
            resolve(performance.now());
          }
        };
        answers.observe(check);
      });
      const start = performance.now();
      alex.doc.transact(() => alex.doc.getMap('shared').set(String(reveal), true), SUBMIT);
      latencies.push((await shared) - start);
      if (sam.doc.getText(`draft-${reveal}`).length !== KEYSTROKES_PER_BURST) throw new Error('the draft did not travel with the share');
    }
    latencies.sort((a, b) => a - b);
    return { windowMs: options.windowMs, reveals: latencies.length, p50Ms: latencies[Math.floor(latencies.length / 2)]!, maxMs: latencies.at(-1)! };
  } finally {
    for (const session of sessions) session.destroy();
    await server.stop();
  }
}
