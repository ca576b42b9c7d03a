import { Random } from '../lib/random.ts';
import type { ServerKind } from '../lib/serverProcess.ts';
import { TYPING_CLIENT_IDS, type TypingPair } from '../lib/traces.ts';
import { makeBenchRoomKeys, sealPresence, sealPut, signingKeyFromSeed, type BenchIdentity } from '../clients/seenKeys.ts';
import { awarenessMessage, awarenessUpdate, presenceState, syncUpdateMessage } from '../clients/yFrames.ts';

/** Everything one client will send, framed (and for Seen sealed) before the clock starts. */
export interface ClientPlan {
  readonly room: number;
  readonly side: 0 | 1;
  readonly roomName: string;
  readonly identity?: BenchIdentity;
  readonly ownClientId: number;
  readonly updates: Uint8Array[];
  readonly presence: Uint8Array[];
}

const NAMES = ['Alex', 'Sam'] as const;

/** Which wire format a server kind gets; the floor forwards Seen's exact bytes. */
export type WireFormat = 'seen' | 'yws' | 'hocus';
export function wireFormatOf(kind: ServerKind): WireFormat {
  if (kind === 'yws') return 'yws';
  if (kind === 'hocus') return 'hocus';
  return 'seen';
}

export interface PlanOptions {
  readonly format: WireFormat;
  readonly rooms: number;
  readonly pairs: readonly TypingPair[];
  /** How many updates / presence frames each client needs (from the schedule). */
  readonly updatesPerClient: ArrayLike<number>;
  readonly presencePerClient: ArrayLike<number>;
  readonly seed: number;
  readonly roomPrefix?: string;
}

/**
 * Builds every client's frames. Seen: each room has its own keys, each update is sealed once here
 * (secretbox + padding), so the generator only copies bytes during the run. Yjs servers: the same
 * keystroke updates, framed in y-protocols (Hocuspocus with the document name).
 */
export function planClients(options: PlanOptions): ClientPlan[] {
  const random = new Random(options.seed);
  const plans: ClientPlan[] = [];
  // y-websocket frames carry no room name: one framed copy per (trace pair, side) serves every room.
  const ywsFrames = new Map<string, Uint8Array[]>();
  for (let room = 0; room < options.rooms; room++) {
    const pairIndex = room % options.pairs.length;
    const pair = options.pairs[pairIndex]!;
    const roomName = `${options.roomPrefix ?? 'room'}-${room}`;
    const roomKeys = options.format === 'seen' ? makeBenchRoomKeys(random) : null;
    for (const side of [0, 1] as const) {
      const c = room * 2 + side;
      const updatesNeeded = options.updatesPerClient[c] ?? 0;
      const presenceNeeded = options.presencePerClient[c] ?? 0;
      const stream = pair.updates[side];
      if (updatesNeeded > stream.length) throw new Error(`trace stream too short: need ${updatesNeeded}, have ${stream.length}`);
      const clientId = TYPING_CLIENT_IDS[side];
      const awareness = (j: number): Uint8Array =>
        awarenessMessage(null, awarenessUpdate(clientId, j + 1, presenceState(NAMES[side], j, j % 4 !== 3)));
      if (options.format === 'seen') {
        const identity: BenchIdentity = {
          room: roomKeys!,
          device: signingKeyFromSeed(random.bytes(32)),
          sessionId: random.bytes(16),
        };
        const updates = Array.from({ length: updatesNeeded }, (_, k) => sealPut(identity, k, stream[k]!));
        const presence = Array.from({ length: presenceNeeded }, (_, j) => sealPresence(identity, j, awareness(j)));
        plans.push({ room, side, roomName, identity, ownClientId: clientId, updates, presence });
      } else if (options.format === 'yws') {
        const key = `${pairIndex}:${side}`;
        const cache = ywsFrames.get(key) ?? [];
        ywsFrames.set(key, cache);
        while (cache.length < updatesNeeded) cache.push(syncUpdateMessage(null, stream[cache.length]!));
        const presence = Array.from({ length: presenceNeeded }, (_, j) => awareness(j));
        plans.push({ room, side, roomName, ownClientId: clientId, updates: cache.slice(0, updatesNeeded), presence });
      } else {
        const updates = Array.from({ length: updatesNeeded }, (_, k) => syncUpdateMessage(roomName, stream[k]!));
        const presence = Array.from({ length: presenceNeeded }, (_, j) =>
          awarenessMessage(roomName, awarenessUpdate(clientId, j + 1, presenceState(NAMES[side], j, j % 4 !== 3))),
        );
        plans.push({ room, side, roomName, ownClientId: clientId, updates, presence });
      }
    }
  }
  return plans;
}
