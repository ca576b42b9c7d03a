import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE,
  FRAME,
  RELAY_PATH,
  encodeAdmitTicketFrame,
  encodeEscrowReadFrame,
  encodeRevokeDeviceFrame,
  encodeSealFrame,
  type EnvFrame,
  type EscrowReleasesFrame,
  type ReadyFrame,
  type RoomStateFrame,
} from '@seen/shared/protocol';
import { admissionTicketHash, generateAdmissionTicket, generateDeviceKeyPair, generateRoomSecret, type DeviceKeyPair, type RoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { ADMISSION_TICKET_TTL_MS } from '../src/relay/Relay.ts';
import { connectRawClient, startTestRelay, type RawClient, type TestRelay } from './testRelay.ts';

// SEALED-21 through the real relay: a sealed room still takes a member's new device that presents a
// one-time admission ticket another device of the room issued — once, within 15 minutes, never a
// removed device, never past the device cap.

const relays: TestRelay[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) await relay.close();
});

/** The relay's ticket clock, moved by the tests instead of waiting. */
function createClock(): { now: () => number; advance: (ms: number) => void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

async function start(options: Parameters<typeof startTestRelay>[0] = {}): Promise<TestRelay> {
  const relay = await startTestRelay(options);
  relays.push(relay);
  return relay;
}

interface JoinOptions {
  device?: DeviceKeyPair;
  admissionTicket?: Uint8Array;
}

async function connect(relay: TestRelay, secret: RoomSecret, options: JoinOptions = {}): Promise<RawClient> {
  const client = await connectRawClient({ wsUrl: relay.wsUrl, secret, device: options.device ?? generateDeviceKeyPair(), admissionTicket: options.admissionTicket });
  clients.push(client);
  return client;
}

/** Connects a device; resolves at BACKLOG_END (fails the test if the relay closes it instead). */
async function join(relay: TestRelay, secret: RoomSecret, options: JoinOptions = {}): Promise<RawClient> {
  const client = await connect(relay, secret, options);
  await Promise.race([client.ready, client.closed.then(({ code }) => Promise.reject(new Error(`refused with ${code}`)))]);
  return client;
}

/** Connects a device the relay should refuse; resolves with the close code and the kinds of frame it was sent. */
async function refusedJoin(relay: TestRelay, secret: RoomSecret, options: JoinOptions = {}): Promise<{ code: number; kinds: number[] }> {
  const client = await connect(relay, secret, options);
  const { code } = await client.closed;
  return { code, kinds: client.frames.map((frame) => frame.kind) };
}

const roomStates = (client: RawClient): RoomStateFrame[] => client.frames.filter((frame): frame is RoomStateFrame => frame.kind === FRAME.ROOM_STATE);
const readyOf = (client: RawClient): ReadyFrame | undefined => client.frames.find((frame): frame is ReadyFrame => frame.kind === FRAME.READY);
const escrowAnswers = (client: RawClient): EscrowReleasesFrame[] => client.frames.filter((frame): frame is EscrowReleasesFrame => frame.kind === FRAME.ESCROW_RELEASES);

/** Seals the room from `client` and waits until the relay says so. */
async function seal(client: RawClient): Promise<void> {
  client.sendRaw(encodeSealFrame());
  await waitFor(() => roomStates(client).some((state) => state.sealed), { what: 'ROOM_STATE sealed' });
}

/**
 * Sends ADMIT_TICKET for `ticket` and waits until the relay handled it. It has no reply, but a
 * socket's side requests run in order on one chain: once the ESCROW_READ sent after it is answered,
 * the ticket is stored (or was refused).
 */
async function issueTicket(client: RawClient, ticket: Uint8Array = generateAdmissionTicket()): Promise<Uint8Array> {
  const before = escrowAnswers(client).length;
  client.sendRaw(encodeAdmitTicketFrame(admissionTicketHash(ticket)));
  client.sendRaw(encodeEscrowReadFrame(new Uint8Array(16)));
  await waitFor(() => escrowAnswers(client).length > before, { what: 'the side chain to pass the ticket' });
  return ticket;
}

/** A sealed room with Alex in it, who wrote one envelope. */
async function sealedRoom(relay: TestRelay): Promise<{ secret: RoomSecret; alex: RawClient }> {
  const secret = generateRoomSecret();
  const alex = await join(relay, secret);
  alex.put(new Uint8Array([1, 2, 3]));
  await alex.waitForAcks(1);
  await seal(alex);
  return { secret, alex };
}

describe('SEALED-21 a sealed room admits a new device another device vouched for', () => {
  it('SEALED-21 without a ticket a new device is refused 4403 after HELLO alone; with Alex\'s ticket it gets READY, the backlog and is registered; the same ticket again is refused 4403', async () => {
    const relay = await start();
    const { secret, alex } = await sealedRoom(relay);
    const roomId = alex.keys.roomId;
    expect(await refusedJoin(relay, secret)).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });
    // A ticket nobody issued does no better.
    expect(await refusedJoin(relay, secret, { admissionTicket: generateAdmissionTicket() })).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });

    const ticket = await issueTicket(alex);
    const newPhone = generateDeviceKeyPair();
    const phone = await join(relay, secret, { device: newPhone, admissionTicket: ticket });
    expect(readyOf(phone)).toMatchObject({ sealed: true, deviceCount: 2 });
    expect(phone.envs.map((env: EnvFrame) => env.relaySeq)).toEqual([alex.acks[0]!.relaySeq]);
    await waitFor(() => roomStates(alex).some((state) => state.deviceCount === 2), { what: 'Alex to hear of the new device' });
    expect((await relay.storage.listDevices(roomId)).length).toBe(2);

    // Single use: another new device with the same ticket stays out.
    expect(await refusedJoin(relay, secret, { admissionTicket: ticket })).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });
    // The admitted device is registered now: it comes back without any ticket, and writes.
    phone.close();
    const back = await join(relay, secret, { device: newPhone });
    back.put(new Uint8Array([4]));
    await back.waitForAcks(1);
    expect((await relay.storage.listDevices(roomId)).length).toBe(2);
  });

  it('SEALED-21 a ticket admits until 15 minutes after it was issued and not later; garbage collection erases an expired one', async () => {
    const clock = createClock();
    const relay = await start({ clock: clock.now });
    const { secret, alex } = await sealedRoom(relay);
    const early = await issueTicket(alex);
    const late = await issueTicket(alex);
    clock.advance(ADMISSION_TICKET_TTL_MS - 1_000);
    await join(relay, secret, { admissionTicket: early });
    clock.advance(1_000);
    expect(await refusedJoin(relay, secret, { admissionTicket: late })).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });

    const forgotten = await issueTicket(alex);
    clock.advance(ADMISSION_TICKET_TTL_MS);
    await relay.relay.collectGarbage(clock.now());
    // Nothing was left for the storage's own expiry: the relay's collection erased it.
    expect(await relay.storage.expireAdmissionTickets(clock.now())).toBe(0);
    clock.advance(-ADMISSION_TICKET_TTL_MS);
    expect(await refusedJoin(relay, secret, { admissionTicket: forgotten })).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });
  });

  it('SEALED-21 two new devices racing with one ticket: exactly one gets in, the other is refused 4403', async () => {
    const relay = await start();
    const { secret, alex } = await sealedRoom(relay);
    const ticket = await issueTicket(alex);
    const racers = await Promise.all([1, 2, 3].map(() => connect(relay, secret, { admissionTicket: ticket })));
    const outcomes = await Promise.all(racers.map((racer) => Promise.race([racer.ready.then(() => 'ready'), racer.closed.then(({ code }) => code)])));
    expect(outcomes.filter((outcome) => outcome === 'ready').length).toBe(1);
    expect(outcomes.filter((outcome) => outcome === CLOSE.ROOM_SEALED).length).toBe(2);
    expect((await relay.storage.listDevices(alex.keys.roomId)).length).toBe(2);
  });

  it('SEALED-21 a ticket never lets a removed device in (4411), and is not used up by trying', async () => {
    const relay = await start();
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const lostPhone = generateDeviceKeyPair();
    const lost = await join(relay, secret, { device: lostPhone });
    alex.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
    expect((await lost.closed).code).toBe(CLOSE.DEVICE_REMOVED);
    await seal(alex);
    const ticket = await issueTicket(alex);
    expect(await refusedJoin(relay, secret, { device: lostPhone, admissionTicket: ticket })).toEqual({ code: CLOSE.DEVICE_REMOVED, kinds: [FRAME.HELLO] });
    // Still there for the member's real new device.
    await join(relay, secret, { admissionTicket: ticket });
  });

  it('SEALED-21 the tickets a device issued die with it when it is removed (SEALED-19)', async () => {
    const relay = await start();
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const lost = await join(relay, secret);
    await seal(alex);
    const ticket = await issueTicket(lost);
    alex.sendRaw(encodeRevokeDeviceFrame(lost.device.publicKey));
    expect((await lost.closed).code).toBe(CLOSE.DEVICE_REMOVED);
    expect(await refusedJoin(relay, secret, { admissionTicket: ticket })).toEqual({ code: CLOSE.ROOM_SEALED, kinds: [FRAME.HELLO] });
  });

  it('SEALED-21 a ticket never exceeds the device cap (4409), and a full room leaves it usable once a place is free', async () => {
    const relay = await start({ limits: { maxDevicesPerRoom: 2 } });
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const oldPhone = await join(relay, secret);
    await seal(alex);
    const ticket = await issueTicket(alex);
    expect(await refusedJoin(relay, secret, { admissionTicket: ticket })).toEqual({ code: CLOSE.ROOM_FULL, kinds: [FRAME.HELLO] });
    alex.sendRaw(encodeRevokeDeviceFrame(oldPhone.device.publicKey));
    expect((await oldPhone.closed).code).toBe(CLOSE.DEVICE_REMOVED);
    const phone = await join(relay, secret, { admissionTicket: ticket });
    expect(readyOf(phone)).toMatchObject({ sealed: true, deviceCount: 2 });
  });

  it('SEALED-21 a ticket is ignored, not used up, by a device of an open room and by a registered device of a sealed one', async () => {
    const relay = await start();
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const ticket = await issueTicket(alex);
    // The room is open: the ticket is not needed, and stays.
    const sam = await join(relay, secret, { admissionTicket: ticket });
    await seal(alex);
    sam.close();
    await join(relay, secret, { device: sam.device, admissionTicket: ticket });
    // Still unused: it admits a new device now that the room is sealed.
    await join(relay, secret, { admissionTicket: ticket });
    expect((await relay.storage.listDevices(alex.keys.roomId)).length).toBe(3);
  });

  it('SEALED-21 bad input: a truncated ADMIT_TICKET closes 4400, one before AUTH closes 4400, and the relay keeps serving the room', async () => {
    const relay = await start();
    const { secret, alex } = await sealedRoom(relay);
    const ticket = await issueTicket(alex);
    alex.sendRaw(encodeAdmitTicketFrame(admissionTicketHash(ticket)).subarray(0, 20));
    expect((await alex.closed).code).toBe(CLOSE.PROTOCOL_VIOLATION);
    // A socket that never authenticates may not issue anything.
    const stranger = new WebSocket(relay.wsUrl + RELAY_PATH);
    stranger.on('error', () => undefined);
    const strangerClosed = new Promise<number>((resolve) => stranger.on('close', (code) => resolve(code)));
    stranger.on('open', () => stranger.send(encodeAdmitTicketFrame(new Uint8Array(32))));
    expect(await strangerClosed).toBe(CLOSE.PROTOCOL_VIOLATION);
    await join(relay, secret, { admissionTicket: ticket });
  });
});
