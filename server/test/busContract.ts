import { waitFor } from '@seen/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBusMessage } from '../src/bus/busCodec.ts';
import type { BusMessage, RoomBus } from '../src/bus/RoomBus.ts';
import type { Logger, LogFields, LogLevel } from '../src/log.ts';

/**
 * The RoomBus contract (SPEC "Relay bus", BUS-1..4), run against the in-process hub and against a
 * real Redis so the fast cluster tests cannot drift from production. Nothing sleeps: "nothing else
 * arrived" is checked behind a barrier message that the same publisher sends afterwards, which a
 * subscriber receives only after everything published before it.
 */
export interface BusUnderTest {
  createBus(logger?: Logger): RoomBus;
  /** Put raw bytes on a room's channel, as a stray publisher could. */
  publishRaw(roomId: string, bytes: Uint8Array): Promise<void>;
  /** Closes everything the test made. */
  cleanup(): Promise<void>;
}

export interface RecordingLogger extends Logger {
  readonly lines: Array<{ level: LogLevel; message: string; fields: LogFields | undefined }>;
}

export function createRecordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    log(level, message, fields) {
      lines.push({ level, message, fields });
    },
  };
}

interface Listener {
  readonly bus: RoomBus;
  readonly received: BusMessage[];
}

function listen(bus: RoomBus): Listener {
  const received: BusMessage[] = [];
  bus.onMessage((message) => received.push(message));
  return { bus, received };
}

function bytesOf(seed: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (seed * 31 + index * 7) & 0xff;
  return bytes;
}

function envelopesMessage(roomId: string, fromRelaySeq: number, sizes: number[]): BusMessage {
  return { kind: 'envelopes', roomId, fromRelaySeq, envelopes: sizes.map((size, index) => bytesOf(fromRelaySeq + index, size)) };
}

const BARRIER_SEQ = 999_999;
function isBarrier(message: BusMessage): boolean {
  return message.kind === 'range' && message.fromRelaySeq === BARRIER_SEQ;
}
function barrier(roomId: string): BusMessage {
  return { kind: 'range', roomId, fromRelaySeq: BARRIER_SEQ, toRelaySeq: BARRIER_SEQ };
}
function withoutBarriers(messages: readonly BusMessage[]): BusMessage[] {
  return messages.filter((message) => !isBarrier(message));
}

const ROOM = 'room-bus-a';
const OTHER = 'room-bus-b';

export function registerBusContractTests(name: string, open: () => Promise<BusUnderTest>): void {
  describe(`RoomBus contract: ${name}`, () => {
    let under: BusUnderTest;
    beforeEach(async () => {
      under = await open();
    });
    afterEach(async () => {
      await under.cleanup();
    });

    it('BUS-1 a published message reaches every other joined bus exactly once, bytes intact, in publish order, and not the publisher', async () => {
      const [a, b, c] = [listen(under.createBus()), listen(under.createBus()), listen(under.createBus())];
      expect(new Set([a.bus.relayId, b.bus.relayId, c.bus.relayId]).size).toBe(3);
      await Promise.all([a.bus.join(ROOM), b.bus.join(ROOM), c.bus.join(ROOM)]);
      const published = Array.from({ length: 30 }, (_, index) => envelopesMessage(ROOM, 1 + index * 2, [10 + index, 200]));
      for (const message of published) a.bus.publish(message);
      a.bus.publish(barrier(ROOM));
      await waitFor(() => b.received.some(isBarrier) && c.received.some(isBarrier), { what: 'the barrier at b and c' });
      expect(withoutBarriers(b.received)).toEqual(published);
      expect(withoutBarriers(c.received)).toEqual(published);
      // b's barrier reaches a only after a's own messages would have (same channel, later publish).
      b.bus.publish(barrier(ROOM));
      await waitFor(() => a.received.some(isBarrier), { what: "b's barrier at a" });
      expect(withoutBarriers(a.received)).toEqual([]);
      // Messages from two publishers interleave, but each publisher's order holds.
      b.bus.publish(envelopesMessage(ROOM, 100, [5]));
      await waitFor(() => withoutBarriers(a.received).length === 1, { what: "b's message at a" });
      expect(withoutBarriers(c.received)).toHaveLength(published.length + 1);
    });

    it('BUS-2 a bus that left a room, or never joined it, gets none of its messages', async () => {
      const [a, b, left, never] = [listen(under.createBus()), listen(under.createBus()), listen(under.createBus()), listen(under.createBus())];
      await Promise.all([a.bus.join(ROOM), b.bus.join(ROOM), left.bus.join(ROOM), left.bus.join(OTHER), never.bus.join(OTHER)]);
      await left.bus.leave(ROOM);
      a.bus.publish(envelopesMessage(ROOM, 1, [16]));
      a.bus.publish({ kind: 'deleted', roomId: ROOM });
      // A later message on a room they did join: what they would get from ROOM has arrived by then.
      a.bus.publish(barrier(OTHER));
      await waitFor(() => left.received.some(isBarrier) && never.received.some(isBarrier) && b.received.length === 2, { what: 'the barrier' });
      expect(withoutBarriers(left.received)).toEqual([]);
      expect(withoutBarriers(never.received)).toEqual([]);
      expect(b.received.map((message) => message.kind)).toEqual(['envelopes', 'deleted']);
    });

    it('BUS-3 every kind of bus message round-trips, including an empty envelope list and 64 KB envelopes', async () => {
      const [a, b] = [listen(under.createBus()), listen(under.createBus())];
      await Promise.all([a.bus.join(ROOM), b.bus.join(ROOM)]);
      const messages: BusMessage[] = [
        { kind: 'envelopes', roomId: ROOM, fromRelaySeq: 1, envelopes: [] },
        envelopesMessage(ROOM, 2, [0, 1, 64 * 1024, 64 * 1024]),
        { kind: 'envelopes', roomId: ROOM, fromRelaySeq: Number.MAX_SAFE_INTEGER, envelopes: [bytesOf(9, 3)] },
        { kind: 'range', roomId: ROOM, fromRelaySeq: 7, toRelaySeq: 4_000_000_000_000 },
        { kind: 'presence', roomId: ROOM, envelope: bytesOf(3, 300) },
        { kind: 'presence', roomId: ROOM, envelope: new Uint8Array(0) },
        { kind: 'sealed', roomId: ROOM, deviceCount: 0 },
        { kind: 'sealed', roomId: ROOM, deviceCount: 4_294_967_295 },
        { kind: 'device', roomId: ROOM, devicePublicKey: bytesOf(5, 32) },
        { kind: 'revoked', roomId: ROOM, devicePublicKey: bytesOf(6, 32) },
        { kind: 'deleted', roomId: ROOM },
      ];
      for (const message of messages) a.bus.publish(message);
      await waitFor(() => b.received.length === messages.length, { what: 'every kind at b' });
      expect(b.received).toEqual(messages);
      const big = b.received[1];
      expect(big?.kind === 'envelopes' && big.envelopes.map((envelope) => envelope.length)).toEqual([0, 1, 64 * 1024, 64 * 1024]);
    });

    it('BUS-4 garbage on a room channel is dropped and logged; the next good message still arrives', async () => {
      const logger = createRecordingLogger();
      const a = listen(under.createBus());
      const b = listen(under.createBus(logger));
      await Promise.all([a.bus.join(ROOM), b.bus.join(ROOM)]);
      const valid = encodeBusMessage('some-other-relay', envelopesMessage(ROOM, 1, [40]));
      const otherVersion = valid.slice();
      otherVersion[0] = 0xee;
      const garbage = [
        new Uint8Array(0),
        new TextEncoder().encode('hello, not a bus message'),
        bytesOf(1, 1000),
        otherVersion,
        valid.subarray(0, valid.length - 1),
        new Uint8Array([...valid, 0]),
        encodeBusMessage('some-other-relay', envelopesMessage(OTHER, 1, [40])),
      ];
      for (const bytes of garbage) await under.publishRaw(ROOM, bytes);
      const good = envelopesMessage(ROOM, 2, [12]);
      a.bus.publish(good);
      await waitFor(() => b.received.length === 1, { what: 'the good message' });
      expect(b.received).toEqual([good]);
      expect(logger.lines.filter((line) => line.message === 'bus message dropped')).toHaveLength(garbage.length);
      for (const line of logger.lines) expect(JSON.stringify(line)).not.toContain(ROOM);
    });
  });
}
