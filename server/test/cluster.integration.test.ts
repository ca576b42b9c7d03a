import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, FRAME, PUSH_STATUS, encodeAdmitTicketFrame, encodeDeleteRoomFrame, encodeEphemeralFrame, encodeNudgeFrame, encodePushUnsubscribeFrame, encodeRevokeDeviceFrame, encodeSealFrame } from '@seen/shared/protocol';
import { admissionTicketHash, generateAdmissionTicket } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import type { RunningRelay } from '../src/startRelay.ts';
import type { BusMessage } from '../src/bus/RoomBus.ts';
import { createClusterClient, type ClusterClient } from './clusterClient.ts';
import { createEngineBackend, createLossyBus, createMemoryBackend, startClusterRelays, type ClusterBackend } from './clusterBackends.ts';
import { createFastDevice, createFastRoom, rawPublicKey, type FastDevice, type FastRoom } from './fastClient.ts';
import { createPushSubscriber, startPushEndpoint } from './pushEndpoint.ts';

/**
 * Several relays, one room (SPEC CLUSTER-*): run against relays in this process sharing an
 * in-memory store and bus, and against real PostgreSQL and Redis servers started for the test.
 * The same promises as one relay: every acknowledged write stored once under the relaySeq it was
 * acknowledged with, relaySeq gapless, every socket served in log order.
 */
const SETTLE_MS = 20_000;

async function expectLogConsistent(backend: ClusterBackend, room: FastRoom, clients: readonly ClusterClient[]): Promise<number> {
  const roomId = Buffer.from(room.roomId).toString('base64url');
  const log = await backend.inspect.readLog(roomId, 0, Number.MAX_SAFE_INTEGER, 1_000_000);
  // Gapless 1..N: the database numbers under the room's row lock, never a sequence.
  expect(log.map((row) => row.relaySeq)).toEqual(log.map((_, index) => index + 1));
  for (const client of clients) {
    expect(client.disorders).toEqual([]);
    expect(client.ackConflicts).toEqual([]);
    for (const [seq, relaySeq] of client.acked) {
      const stored = await backend.inspect.findBySessionSeq(roomId, client.sessionId, seq);
      expect(stored?.relaySeq, `session write ${seq}`).toBe(relaySeq);
    }
  }
  return log.length;
}

/** Every client has every envelope of the log: its own by ACK, the others' by ENV. */
async function expectEveryoneHasEverything(clients: readonly ClusterClient[], total: number): Promise<void> {
  await waitFor(() => clients.every((client) => client.held() === total && client.unacked === 0), {
    timeoutMs: SETTLE_MS,
    what: `every client to hold all ${total} envelopes`,
  });
}

for (const [label, createBackend] of [
  ['memory', async () => createMemoryBackend()],
  ['engines', createEngineBackend],
] as const) {
  describe(`several relays, one room (${label})`, () => {
    let backend: ClusterBackend;
    let relays: RunningRelay[] = [];
    const clients: ClusterClient[] = [];

    beforeAll(async () => {
      backend = await createBackend();
    }, 60_000);
    afterAll(async () => {
      await backend.remove();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.drop();
      await Promise.all(relays.map((relay) => relay.close()));
      relays = [];
    });

    const join = async (room: FastRoom, relay: RunningRelay): Promise<ClusterClient> => {
      const client = createClusterClient(room);
      clients.push(client);
      await client.connect(relay.wsUrl);
      return client;
    };

    it('CLUSTER-1 partners on different relays get each other\'s writes in log order, ACKed under gapless relaySeqs', async () => {
      relays = await startClusterRelays(backend, 3);
      const room = createFastRoom();
      const [alex, sam, jo] = [await join(room, relays[0]!), await join(room, relays[1]!), await join(room, relays[2]!)];
      const WRITES = 150;
      for (let index = 0; index < WRITES; index++) {
        alex.write();
        sam.write();
        if (index % 3 === 0) jo.write();
      }
      const total = WRITES * 2 + WRITES / 3;
      await expectEveryoneHasEverything([alex, sam, jo], total);
      expect(await expectLogConsistent(backend, room, [alex, sam, jo])).toBe(total);
    });

    it('CLUSTER-1 the first partners of a new room may arrive at the same moment, on one relay or on several: all enter', async () => {
      relays = await startClusterRelays(backend, 2);
      for (let attempt = 0; attempt < 5; attempt++) {
        const room = createFastRoom();
        const arrivals = [relays[0]!, relays[0]!, relays[1]!, relays[1]!].map((relay) => join(room, relay));
        const joined = await Promise.all(arrivals);
        joined[0]!.write();
        await expectEveryoneHasEverything(joined, 1);
      }
    });

    it('CLUSTER-2 a lost bus message is repaired from the database: the gap before the next one, and a lost last message by the periodic head check', async () => {
      let published = 0;
      const dropped: number[] = [];
      const WRITES = 60;
      const LOSE_FROM = 50;
      const lastOf = (message: BusMessage): number =>
        message.kind === 'envelopes' ? message.fromRelaySeq + message.envelopes.length - 1 : message.kind === 'range' ? message.toRelaySeq : 0;
      // Lose every fifth envelope message, and every one carrying relaySeq ≥ 50: the last ones have no successor to reveal them.
      relays = await startClusterRelays(backend, 2, {
        wrapBus: (bus) =>
          createLossyBus(bus, (message) => {
            if (message.kind !== 'envelopes' && message.kind !== 'range') return false;
            const lose = ++published % 5 === 0 || lastOf(message) >= LOSE_FROM;
            if (lose) dropped.push(lastOf(message));
            return lose;
          }),
      });
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      const sam = await join(room, relays[1]!);
      for (let index = 0; index < WRITES; index++) alex.write();
      await expectEveryoneHasEverything([alex, sam], WRITES);
      expect(await expectLogConsistent(backend, room, [alex, sam])).toBe(WRITES);
      expect(Math.max(...dropped)).toBe(WRITES); // the last message really was lost

    });

    it('CLUSTER-3 a write resent to another relay after its socket died is ACKed with its original relaySeq and stored once', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      const sam = await join(room, relays[1]!);
      for (let index = 0; index < 40; index++) alex.write();
      // Cut mid-stream: some writes are committed but their ACKs never arrive.
      await waitFor(() => alex.acked.size >= 10, { timeoutMs: SETTLE_MS });
      alex.drop();
      const ackedBefore = new Map(alex.acked);
      await alex.connect(relays[1]!.wsUrl);
      await expectEveryoneHasEverything([alex, sam], 40);
      for (const [seq, relaySeq] of ackedBefore) expect(alex.acked.get(seq)).toBe(relaySeq);
      expect(await expectLogConsistent(backend, room, [alex, sam])).toBe(40);
    });

    it('CLUSTER-4 sealing on one relay is seen on every relay, and a new device is refused on any of them', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      const sam = await join(room, relays[1]!);
      alex.send(encodeSealFrame());
      await waitFor(() => sam.roomStates.some((state) => state.sealed), { timeoutMs: SETTLE_MS });
      const stranger = createClusterClient(room);
      await expect(stranger.connect(relays[1]!.wsUrl)).rejects.toThrow(String(CLOSE.ROOM_SEALED));
      // A registered device still comes back, on any relay.
      await sam.connect(relays[0]!.wsUrl);
    });

    it('CLUSTER-9 every relay signs pushes with the one VAPID key in the database: a subscription made through one relay is pushed to by another', async () => {
      const endpoint = await startPushEndpoint();
      try {
        relays = await startClusterRelays(backend, 2, { push: { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: true, trustedCertificates: endpoint.certificate } });
        const keys = await Promise.all(relays.map(async (relay) => ((await (await fetch(`${relay.httpUrl}/v1/push/key`)).json()) as { publicKey: string }).publicKey));
        expect(keys[1]).toBe(keys[0]);
        const room = createFastRoom();
        const sam = await join(room, relays[1]!);
        const subscriber = createPushSubscriber(endpoint.url('sam'));
        sam.send(subscriber.frame());
        await waitFor(() => sam.pushStatuses.length === 1, { timeoutMs: SETTLE_MS, what: 'the subscription answer' });
        expect(sam.pushStatuses[0]).toEqual({ answers: FRAME.PUSH_SUBSCRIBE, status: PUSH_STATUS.OK });
        sam.drop();
        const alex = await join(room, relays[0]!);
        alex.send(encodeNudgeFrame());
        await waitFor(() => endpoint.received.length === 1, { timeoutMs: SETTLE_MS, what: 'the push from the other relay' });
        expect(endpoint.received[0]!.headers.authorization).toContain(`k=${keys[0]}`);
        expect(subscriber.decrypt(endpoint.received[0]!.body)).toBe(Buffer.from(room.roomId).toString('base64url'));
      } finally {
        await endpoint.close();
      }
    });

    it('CLUSTER-5 deleting on one relay closes the room\'s sockets on every relay with 4410 and refuses it everywhere', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      const sam = await join(room, relays[1]!);
      alex.write();
      await expectEveryoneHasEverything([alex, sam], 1);
      alex.send(encodeDeleteRoomFrame());
      await waitFor(() => sam.lastCloseCode !== null, { timeoutMs: SETTLE_MS });
      expect(sam.lastCloseCode).toBe(CLOSE.ROOM_DELETED);
      const again = createClusterClient(room);
      await expect(again.connect(relays[1]!.wsUrl)).rejects.toThrow(String(CLOSE.ROOM_DELETED));
    });

    const joinAs = async (room: FastRoom, relay: RunningRelay, device: FastDevice): Promise<ClusterClient> => {
      const client = createClusterClient(room, device);
      clients.push(client);
      await client.connect(relay.wsUrl);
      return client;
    };

    it('SEALED-19 A revokes B on relay 1: B\'s socket on relay 2 closes with 4411, relay 2 tells the others the smaller count, and B is refused on every relay', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const lostPhone = createFastDevice();
      const alex = await join(room, relays[0]!);
      const lost = await joinAs(room, relays[1]!, lostPhone);
      const sam = await join(room, relays[1]!);
      // Sam joined last: READY told it 3, and no ROOM_STATE has come since.
      expect(sam.roomStates).toEqual([]);
      alex.send(encodeRevokeDeviceFrame(rawPublicKey(lostPhone.publicKey)));
      await waitFor(() => lost.lastCloseCode !== null, { timeoutMs: SETTLE_MS, what: 'the lost phone to be closed on relay 2' });
      expect(lost.lastCloseCode).toBe(CLOSE.DEVICE_REMOVED);
      await waitFor(() => sam.roomStates.at(-1)?.deviceCount === 2, { timeoutMs: SETTLE_MS, what: 'Sam to count two devices' });
      for (const relay of relays) {
        const again = createClusterClient(room, lostPhone);
        await expect(again.connect(relay.wsUrl)).rejects.toThrow(String(CLOSE.DEVICE_REMOVED));
      }
    });

    it('SEALED-19 a lost "revoked" bus message is repaired by the head check: B\'s socket on relay 2 still closes with 4411', async () => {
      const lost: BusMessage[] = [];
      relays = await startClusterRelays(backend, 2, {
        wrapBus: (bus) =>
          createLossyBus(bus, (message) => {
            if (message.kind !== 'revoked') return false;
            lost.push(message);
            return true;
          }),
      });
      const room = createFastRoom();
      const lostPhone = createFastDevice();
      const alex = await join(room, relays[0]!);
      const phone = await joinAs(room, relays[1]!, lostPhone);
      alex.send(encodeRevokeDeviceFrame(rawPublicKey(lostPhone.publicKey)));
      // The head check reads a room soon after its last socket joined, and every room every 30 s.
      await waitFor(() => phone.lastCloseCode !== null, { timeoutMs: 40_000, what: 'the head check to close the lost phone' });
      expect(phone.lastCloseCode).toBe(CLOSE.DEVICE_REMOVED);
      expect(lost.length).toBe(1);
      const again = createClusterClient(room, lostPhone);
      await expect(again.connect(relays[1]!.wsUrl)).rejects.toThrow(String(CLOSE.DEVICE_REMOVED));
    }, 60_000);

    /**
     * ADMIT_TICKET has no reply, but a socket's side requests run in order on one chain: once the
     * PUSH_UNSUBSCRIBE sent after it is answered, the ticket is in the database.
     */
    const issueTicket = async (client: ClusterClient): Promise<Uint8Array> => {
      const ticket = generateAdmissionTicket();
      const before = client.pushStatuses.length;
      client.send(encodeAdmitTicketFrame(admissionTicketHash(ticket)));
      client.send(encodePushUnsubscribeFrame());
      await waitFor(() => client.pushStatuses.length > before, { timeoutMs: SETTLE_MS, what: 'the side chain to pass the ticket' });
      return ticket;
    };

    it('SEALED-21 a ticket issued through relay 1 admits a new device on relay 2 once: a second device with it is refused on either relay, and a device without one too', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      alex.write();
      alex.send(encodeSealFrame());
      await waitFor(() => alex.roomStates.some((state) => state.sealed), { timeoutMs: SETTLE_MS, what: 'the seal' });
      const ticket = await issueTicket(alex);
      const roomId = Buffer.from(room.roomId).toString('base64url');

      await expect(createClusterClient(room).connect(relays[1]!.wsUrl)).rejects.toThrow(String(CLOSE.ROOM_SEALED));
      const phone = createClusterClient(room, createFastDevice(), { admissionTicket: ticket });
      clients.push(phone);
      await phone.connect(relays[1]!.wsUrl);
      await waitFor(() => alex.unacked === 0 && phone.held() === 1, { timeoutMs: SETTLE_MS, what: 'the backlog at the new phone' });
      await waitFor(() => alex.roomStates.at(-1)?.deviceCount === 2, { timeoutMs: SETTLE_MS, what: 'Alex to count two devices' });
      for (const relay of relays) {
        await expect(createClusterClient(room, createFastDevice(), { admissionTicket: ticket }).connect(relay.wsUrl)).rejects.toThrow(String(CLOSE.ROOM_SEALED));
      }
      expect((await backend.inspect.listDevices(roomId)).length).toBe(2);
    });

    it('SEALED-21 two new devices with one ticket on two relays at the same moment: exactly one gets in', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      alex.send(encodeSealFrame());
      await waitFor(() => alex.roomStates.some((state) => state.sealed), { timeoutMs: SETTLE_MS, what: 'the seal' });
      const ticket = await issueTicket(alex);
      const roomId = Buffer.from(room.roomId).toString('base64url');
      const racers = [0, 1, 0, 1].map(() => createClusterClient(room, createFastDevice(), { admissionTicket: ticket }));
      clients.push(...racers);
      const outcomes = await Promise.allSettled(racers.map((racer, index) => racer.connect(relays[index % 2]!.wsUrl)));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled').length).toBe(1);
      expect(racers.filter((racer) => racer.lastCloseCode === CLOSE.ROOM_SEALED).length).toBe(3);
      expect((await backend.inspect.listDevices(roomId)).length).toBe(2);
    });

    it('CLUSTER-6 presence reaches partners on other relays and is never stored', async () => {
      relays = await startClusterRelays(backend, 2);
      const room = createFastRoom();
      const alex = await join(room, relays[0]!);
      const sam = await join(room, relays[1]!);
      const presence = alex.buildPresence();
      alex.send(encodeEphemeralFrame(presence));
      await waitFor(() => sam.presences.length === 1, { timeoutMs: SETTLE_MS });
      expect(Buffer.from(sam.presences[0]!).equals(Buffer.from(presence))).toBe(true);
      expect(await expectLogConsistent(backend, room, [alex, sam])).toBe(0);
    });
  });
}
