import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CLOSE,
  ENVELOPE_TYPE,
  encodeAuthFrame,
  encodeDeleteRoomFrame,
  encodeEphemeralFrame,
  encodePutFrame,
  encodeSealFrame,
} from '@seen/shared/protocol';
import { waitFor } from '@seen/shared/testing';
import { connectFastClient, createFastDevice, createFastRoom, type FastClient, type FastDevice, type FastRoom } from './fastClient.ts';
import { startTestRelay, type TestRelay } from './testRelay.ts';

// SPEC FUZZ-2: the relay as a whole, over a real socket. fast-check (seeded in vitest.setup.ts)
// writes random sequences of plausible and implausible frames from several authenticated
// clients of one room; after each sequence the relay must be alive, have closed sockets only
// with codes it documents, have stored every write it acknowledged (and nothing twice), and
// still serve another room.

const MAX_FRAME = 16 * 1024;
/** Close codes a socket may end with: ours, plus ws's own for frames it will not read. */
const ALLOWED_CLOSES = new Set<number>([...Object.values(CLOSE), 1005, 1006, 1008, 1009]);

type Command =
  | { readonly kind: 'put'; readonly client: number; readonly size: number }
  | { readonly kind: 'snapshot'; readonly client: number; readonly covers: number }
  | { readonly kind: 'resend'; readonly client: number; readonly index: number }
  | { readonly kind: 'conflict'; readonly client: number; readonly index: number }
  | { readonly kind: 'presence'; readonly client: number; readonly asPut: boolean }
  | { readonly kind: 'foreign-header'; readonly client: number; readonly field: 'room' | 'session' }
  | { readonly kind: 'typed'; readonly client: number; readonly type: number; readonly tail: Uint8Array }
  | { readonly kind: 'garbage'; readonly client: number; readonly bytes: Uint8Array }
  | { readonly kind: 'text'; readonly client: number }
  | { readonly kind: 'oversize'; readonly client: number }
  | { readonly kind: 'auth-again'; readonly client: number }
  | { readonly kind: 'seal'; readonly client: number }
  | { readonly kind: 'reconnect'; readonly client: number };

const CLIENTS = 3;
const client = fc.nat({ max: CLIENTS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), client, size: fc.nat({ max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), client, covers: fc.oneof(fc.constant(0), fc.nat({ max: 300_000 }), fc.constant(2 ** 53 - 1)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resend' as const), client, index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('conflict' as const), client, index: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('presence' as const), client, asPut: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign-header' as const), client, field: fc.constantFrom('room' as const, 'session' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('typed' as const), client, type: fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x7f, 0x81, 0x83, 0xff), tail: fc.uint8Array({ maxLength: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), client, bytes: fc.uint8Array({ maxLength: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('oversize' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('auth-again' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('seal' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client }) },
);

let relay: TestRelay;
let control: { a: FastClient; b: FastClient };
let runs = 0;
let framesSent = 0;

beforeAll(async () => {
  relay = await startTestRelay({ limits: { maxFrameBytes: MAX_FRAME, putBurst: 10_000, putsPerSecond: 10_000 } });
  const room = createFastRoom();
  control = { a: connectFastClient({ wsUrl: relay.wsUrl, room }), b: connectFastClient({ wsUrl: relay.wsUrl, room }) };
  await Promise.all([control.a.ready, control.b.ready]);
});

afterAll(async () => {
  control.a.close();
  control.b.close();
  await relay.close();
});

interface Slot {
  client: FastClient;
  readonly device: FastDevice;
  readonly sent: Uint8Array[];
}

async function runSequence(commands: readonly Command[]): Promise<void> {
  runs += 1;
  const room: FastRoom = createFastRoom();
  const all: FastClient[] = [];
  const open = (device: FastDevice): FastClient => {
    const fresh = connectFastClient({ wsUrl: relay.wsUrl, room, device });
    all.push(fresh);
    return fresh;
  };
  const slots: Slot[] = Array.from({ length: CLIENTS }, () => {
    const device = createFastDevice();
    return { client: open(device), device, sent: [] };
  });
  await Promise.all(slots.map((slot) => slot.client.ready));
  const send = (slot: Slot, bytes: Uint8Array | string, remember = false): void => {
    if (slot.client.socket.readyState !== WebSocket.OPEN) return;
    slot.client.socket.send(bytes);
    framesSent += 1;
    if (remember && typeof bytes !== 'string') slot.sent.push(bytes);
  };
  for (const step of commands) {
    const slot = slots[step.client]!;
    // A socket the relay closed comes back, as the app would (same device, new session).
    if (slot.client.socket.readyState === WebSocket.CLOSED) {
      slot.client = open(slot.device);
      slot.sent.length = 0;
    }
    if (slot.client.socket.readyState === WebSocket.CONNECTING) {
      await waitFor(() => slot.client.socket.readyState !== WebSocket.CONNECTING, { what: 'a reconnect' });
      await slot.client.ready.catch(() => undefined);
    }
    const self = slot.client;
    switch (step.kind) {
      case 'put':
        send(slot, self.buildPut(step.size), true);
        break;
      case 'snapshot':
        send(slot, encodePutFrame(self.buildEnvelope({ type: ENVELOPE_TYPE.SNAPSHOT, coversRelaySeq: step.covers })), true);
        break;
      case 'resend':
        if (slot.sent.length > 0) send(slot, slot.sent[step.index % slot.sent.length]!);
        break;
      case 'conflict': {
        if (slot.sent.length === 0) break;
        const original = slot.sent[step.index % slot.sent.length]!;
        const changed = original.slice();
        changed[changed.length - 1]! ^= 0xff;
        send(slot, changed);
        break;
      }
      case 'presence': {
        const envelope = self.buildEnvelope({ type: ENVELOPE_TYPE.PRESENCE, seq: 0 });
        send(slot, step.asPut ? encodePutFrame(envelope) : encodeEphemeralFrame(envelope));
        break;
      }
      case 'foreign-header':
        send(slot, encodePutFrame(self.buildEnvelope(step.field === 'room' ? { roomId: createFastRoom().roomId } : { sessionId: new Uint8Array(16).fill(7) })));
        break;
      case 'typed':
        send(slot, Uint8Array.of(step.type, ...step.tail));
        break;
      case 'garbage':
        send(slot, step.bytes);
        break;
      case 'text':
        send(slot, 'not a binary frame');
        break;
      case 'oversize':
        send(slot, self.buildPut(MAX_FRAME));
        break;
      case 'auth-again':
        send(slot, encodeAuthFrame({ roomId: room.roomId, authPublicKey: room.authPublicKey, devicePublicKey: new Uint8Array(32), sessionId: self.sessionId, fromRelaySeq: 0, roomSignature: new Uint8Array(64), deviceSignature: new Uint8Array(64) }));
        break;
      case 'seal':
        send(slot, encodeSealFrame());
        break;
      case 'reconnect':
        self.close();
        slot.client = open(slot.device);
        slot.sent.length = 0;
        break;
    }
  }
  // Settle: a marker write from the control room is acknowledged after every earlier commit.
  const marker = control.a.acks;
  control.a.put();
  await waitFor(() => control.a.acks > marker && control.b.envs >= control.a.acks, { what: 'the control room to keep working' });
  await waitFor(() => all.every((fresh) => fresh.socket.readyState !== WebSocket.CONNECTING), { what: 'late sockets to open' });
  for (const fresh of all) {
    if (fresh.socket.readyState === WebSocket.OPEN) fresh.close();
  }
  const codes = await Promise.all(all.map((fresh) => fresh.closed));
  for (const code of codes) expect(ALLOWED_CLOSES.has(code), `close code ${code}`).toBe(true);
  // Every acknowledged write is stored at the relaySeq its ACK named; nothing is stored twice.
  const roomId = Buffer.from(room.roomId).toString('base64url');
  for (const fresh of all) {
    for (const [seq, relaySeq] of fresh.acked) {
      const stored = await relay.storage.findBySessionSeq(roomId, fresh.sessionId, seq);
      expect(stored?.relaySeq, `ack ${seq}`).toBe(relaySeq);
    }
  }
  const log = await relay.storage.readLog(roomId, 0, Number.MAX_SAFE_INTEGER, 10_000);
  for (let i = 1; i < log.length; i++) expect(log[i]!.relaySeq).toBeGreaterThan(log[i - 1]!.relaySeq);
}

describe('relay fuzz over a real socket (SPEC FUZZ-2)', () => {
  it('FUZZ-2: random frame sequences from three clients never crash the relay, lose an acknowledged write or stop other rooms', async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 60, size: 'medium' }), runSequence), { numRuns: 60 });
    const health = await fetch(relay.httpUrl + '/healthz');
    expect(health.status).toBe(200);
    expect(runs).toBeGreaterThanOrEqual(60);
    console.info(`[FUZZ-2] ${runs} sequences, ${framesSent} frames: relay alive, every ack stored`);
  });

  it('FUZZ-2: a room deleted mid-sequence refuses everyone, and the relay carries on', async () => {
    const room = createFastRoom();
    const a = connectFastClient({ wsUrl: relay.wsUrl, room });
    const b = connectFastClient({ wsUrl: relay.wsUrl, room });
    await Promise.all([a.ready, b.ready]);
    a.put();
    b.socket.send(encodeDeleteRoomFrame());
    a.put();
    expect(await a.closed).toBe(CLOSE.ROOM_DELETED);
    expect(await b.closed).toBe(CLOSE.ROOM_DELETED);
    await runSequence([{ kind: 'put', client: 0, size: 10 }]);
  });
});
