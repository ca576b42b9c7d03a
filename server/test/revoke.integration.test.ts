import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE,
  ESCROW_KIND,
  ESCROW_STATUS,
  FRAME,
  encodeEscrowDepositBody,
  encodeEscrowDepositFrame,
  encodeEscrowReadFrame,
  encodeRevokeDeviceFrame,
  type EscrowReleasesFrame,
  type RoomStateFrame,
} from '@seen/shared/protocol';
import { generateDeviceKeyPair, generateRoomSecret, signEscrowDeposit, type DeviceKeyPair, type RoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { connectRawClient, startTestRelay, type RawClient, type TestRelay } from './testRelay.ts';

// SEALED-19 through the real relay: a device removed by another device of the room is forgotten
// for good — its sockets close with 4411, its handshakes are refused, its escrow boxes are erased,
// and boxes later deposited for it are dropped.

const relays: TestRelay[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) await relay.close();
});

const SLOT = new Uint8Array(16).fill(0x5a);
const LATER_SLOT = new Uint8Array(16).fill(0x5b);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function start(options: Parameters<typeof startTestRelay>[0] = {}): Promise<TestRelay> {
  const relay = await startTestRelay(options);
  relays.push(relay);
  return relay;
}

/** Connects a device; resolves at BACKLOG_END. */
async function join(relay: TestRelay, secret: RoomSecret, device: DeviceKeyPair = generateDeviceKeyPair()): Promise<RawClient> {
  const client = await connectRawClient({ wsUrl: relay.wsUrl, secret, device });
  clients.push(client);
  await client.ready;
  return client;
}

/** Connects a device the relay should refuse; resolves with the close and everything it was sent. */
async function refusedJoin(relay: TestRelay, secret: RoomSecret, device: DeviceKeyPair): Promise<{ code: number; kinds: number[] }> {
  const client = await connectRawClient({ wsUrl: relay.wsUrl, secret, device });
  clients.push(client);
  const { code } = await client.closed;
  return { code, kinds: client.frames.map((frame) => frame.kind) };
}

const roomStates = (client: RawClient): RoomStateFrame[] => client.frames.filter((frame): frame is RoomStateFrame => frame.kind === FRAME.ROOM_STATE);
const escrowAnswers = (client: RawClient): EscrowReleasesFrame[] => client.frames.filter((frame): frame is EscrowReleasesFrame => frame.kind === FRAME.ESCROW_RELEASES);

/**
 * Sends an ESCROW_READ and waits for its answer. Escrow requests and revocations of a socket run in
 * order on one chain, so once this answer is in, every REVOKE_DEVICE sent before it was handled.
 */
async function settleSideRequests(client: RawClient, slot = SLOT): Promise<EscrowReleasesFrame> {
  return send(client, encodeEscrowReadFrame(slot));
}

async function send(client: RawClient, frame: Uint8Array): Promise<EscrowReleasesFrame> {
  const before = escrowAnswers(client).length;
  client.sendRaw(frame);
  await waitFor(() => escrowAnswers(client).length > before, { what: 'ESCROW_RELEASES' });
  return escrowAnswers(client)[before]!;
}

/** An answer deposit signed by `from`, boxing to each of `to` a box naming both ends. */
function answerFrame(from: RawClient, to: readonly RawClient[], slotTag = SLOT): Uint8Array {
  const body = encodeEscrowDepositBody({
    slotTag,
    depositKind: ESCROW_KIND.ANSWER,
    lifetimeDays: 60,
    record: Uint8Array.of(from.device.publicKey[0]!, 1),
    boxes: to.map((peer) => ({ recipient: peer.device.publicKey, box: boxOf(from, peer) })),
  });
  return encodeEscrowDepositFrame(body, signEscrowDeposit(from.keys.roomIdBytes, body, from.device.secretKey));
}
const boxOf = (from: RawClient, to: RawClient): Uint8Array => Uint8Array.of(from.device.publicKey[0]!, to.device.publicKey[0]!, 0x42);
/** The boxes a device would be given in the slot, as hex, straight from storage. */
const boxesIn = (releases: readonly { box: Uint8Array }[]): string[] => releases.filter((release) => release.box.length > 0).map((release) => hex(release.box)).sort();

describe('SEALED-19 the relay forgets a removed device for good', () => {
  it('SEALED-19 A revokes B: B\'s open socket closes with 4411, the others hear the new device count, B\'s reconnect with valid signatures is refused 4411 after HELLO alone, and its place under the device cap is free again', async () => {
    const relay = await start({ limits: { maxDevicesPerRoom: 3 } });
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const lostPhone = generateDeviceKeyPair();
    const lost = await join(relay, secret, lostPhone);
    const sam = await join(relay, secret);
    alex.put(new Uint8Array([1, 2, 3]));
    await alex.waitForAcks(1);
    const statesBefore = roomStates(sam).length;

    alex.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
    expect(await lost.closed).toEqual({ code: CLOSE.DEVICE_REMOVED, reason: 'device removed' });
    await waitFor(() => roomStates(sam).length > statesBefore, { what: 'ROOM_STATE at Sam' });
    expect(roomStates(sam).at(-1)).toMatchObject({ sealed: false, deviceCount: 2 });
    await waitFor(() => roomStates(alex).some((state) => state.deviceCount === 2), { what: 'ROOM_STATE at Alex' });
    const roomId = alex.keys.roomId;
    expect((await relay.storage.listDevices(roomId)).map(hex).sort()).toEqual([hex(alex.device.publicKey), hex(sam.device.publicKey)].sort());
    expect((await relay.storage.listRevokedDevices(roomId)).map(hex)).toEqual([hex(lostPhone.publicKey)]);

    // Its own keys still sign a valid handshake: refused before READY or any stored byte.
    expect(await refusedJoin(relay, secret, lostPhone)).toEqual({ code: CLOSE.DEVICE_REMOVED, kinds: [FRAME.HELLO] });
    // The cap of 3 counts Alex and Sam only: a new device gets in and is told 3.
    const newPhone = await join(relay, secret);
    expect(newPhone.frames.find((frame) => frame.kind === FRAME.READY)).toMatchObject({ deviceCount: 3 });
    // Still refused, and still not registered, after the new device took the free place.
    expect((await refusedJoin(relay, secret, lostPhone)).code).toBe(CLOSE.DEVICE_REMOVED);
    expect((await relay.storage.listDevices(roomId)).length).toBe(3);
  });

  it('SEALED-19 revoking itself, a key never registered, or a device already revoked changes nothing and keeps the socket open; a malformed REVOKE_DEVICE is a protocol violation', async () => {
    const relay = await start();
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const lostPhone = generateDeviceKeyPair();
    const lost = await join(relay, secret, lostPhone);
    const roomId = alex.keys.roomId;
    // Alex was told of the second device; only what comes after counts.
    const statesBefore = roomStates(alex).length;

    alex.sendRaw(encodeRevokeDeviceFrame(alex.device.publicKey));
    alex.sendRaw(encodeRevokeDeviceFrame(generateDeviceKeyPair().publicKey));
    await settleSideRequests(alex);
    expect((await relay.storage.listDevices(roomId)).length).toBe(2);
    expect(await relay.storage.listRevokedDevices(roomId)).toEqual([]);
    expect(roomStates(alex).length).toBe(statesBefore);
    alex.put(new Uint8Array([1]));
    await alex.waitForAcks(1);

    // The app sends the revocation again on every connect: the repeats are no-ops.
    alex.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
    alex.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
    expect((await lost.closed).code).toBe(CLOSE.DEVICE_REMOVED);
    await settleSideRequests(alex);
    const again = await join(relay, secret, alex.device);
    again.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
    await settleSideRequests(again);
    expect(roomStates(alex).slice(statesBefore).map((state) => state.deviceCount)).toEqual([1]);
    expect(roomStates(again)).toEqual([]);
    expect((await relay.storage.listRevokedDevices(roomId)).map(hex)).toEqual([hex(lostPhone.publicKey)]);
    again.put(new Uint8Array([2]));
    await again.waitForAcks(1);

    // Garbage: a key one byte short.
    again.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey).subarray(0, 32));
    expect((await again.closed).code).toBe(CLOSE.PROTOCOL_VIOLATION);
  });

  it('SEALED-19 escrow: the boxes addressed to B are erased, B\'s own deposit stays openable by the others, and a later deposit boxing to B is stored without that box', async () => {
    const relay = await start();
    const secret = generateRoomSecret();
    const alex = await join(relay, secret);
    const lost = await join(relay, secret);
    const sam = await join(relay, secret);
    const roomId = alex.keys.roomId;
    expect((await send(lost, answerFrame(lost, [alex, sam]))).status).toBe(ESCROW_STATUS.STORED);
    expect((await send(alex, answerFrame(alex, [lost, sam]))).status).toBe(ESCROW_STATUS.STORED);
    expect((await send(sam, answerFrame(sam, [alex, lost]))).status).toBe(ESCROW_STATUS.STORED);
    expect(boxesIn(await relay.storage.readEscrowReleases(roomId, SLOT, lost.device.publicKey))).toEqual([hex(boxOf(alex, lost)), hex(boxOf(sam, lost))].sort());

    sam.sendRaw(encodeRevokeDeviceFrame(lost.device.publicKey));
    expect((await lost.closed).code).toBe(CLOSE.DEVICE_REMOVED);
    await settleSideRequests(sam);
    expect(boxesIn(await relay.storage.readEscrowReleases(roomId, SLOT, lost.device.publicKey))).toEqual([]);
    // Its earlier answer still opens for the others.
    expect(boxesIn((await settleSideRequests(alex)).releases)).toEqual([hex(boxOf(lost, alex)), hex(boxOf(sam, alex))].sort());
    expect(boxesIn((await settleSideRequests(sam)).releases)).toEqual([hex(boxOf(alex, sam)), hex(boxOf(lost, sam))].sort());

    // Alex's document has not seen the removal yet: the deposit is stored, minus the box for B.
    expect((await send(alex, answerFrame(alex, [sam, lost], LATER_SLOT))).status).toBe(ESCROW_STATUS.STORED);
    const samReply = await send(sam, answerFrame(sam, [alex], LATER_SLOT));
    expect(samReply.status).toBe(ESCROW_STATUS.STORED);
    expect(boxesIn(samReply.releases)).toEqual([hex(boxOf(alex, sam))]);
    // Were B's own answer there, it would still find no box: none was stored for it.
    await relay.storage.depositEscrow(
      { roomId, slotTag: LATER_SLOT, depositor: lost.device.publicKey, kind: 'answer', record: Uint8Array.of(1), boxes: [], expiresAt: Date.now() + 60_000 },
      Date.now(),
    );
    const forLost = await relay.storage.readEscrowReleases(roomId, LATER_SLOT, lost.device.publicKey);
    expect(forLost.length).toBe(2);
    expect(boxesIn(forLost)).toEqual([]);
    // A box for a device that was never in the room is still refused (ESCROW-7).
    const stranger = { device: generateDeviceKeyPair() } as unknown as RawClient;
    expect((await send(alex, answerFrame(alex, [stranger], new Uint8Array(16).fill(0x5c)))).status).toBe(ESCROW_STATUS.REFUSED);
  });

  it('SEALED-19 a relay restart keeps B refused (SQLite file): its handshake closes 4411 and the others are told the smaller device count', async () => {
    const dataDir = mkdtempSync(joinPath(tmpdir(), 'seen-revoke-'));
    try {
      const secret = generateRoomSecret();
      const alexPhone = generateDeviceKeyPair();
      const lostPhone = generateDeviceKeyPair();
      const first = await startTestRelay({ dataDir });
      try {
        const alex = await join(first, secret, alexPhone);
        const lost = await join(first, secret, lostPhone);
        alex.sendRaw(encodeRevokeDeviceFrame(lostPhone.publicKey));
        expect((await lost.closed).code).toBe(CLOSE.DEVICE_REMOVED);
      } finally {
        await first.close();
      }
      const second = await startTestRelay({ dataDir });
      try {
        expect(await refusedJoin(second, secret, lostPhone)).toEqual({ code: CLOSE.DEVICE_REMOVED, kinds: [FRAME.HELLO] });
        const back = await join(second, secret, alexPhone);
        expect(back.frames.find((frame) => frame.kind === FRAME.READY)).toMatchObject({ deviceCount: 1 });
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
