import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE,
  ESCROW_KIND,
  ESCROW_STATUS,
  FRAME,
  encodeEscrowDepositBody,
  encodeEscrowDepositFrame,
  encodeEscrowReadFrame,
  type EscrowReleasesFrame,
} from '@seen/shared/protocol';
import { generateDeviceKeyPair, generateRoomSecret, signEscrowDeposit, type RoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { connectRawClient, startTestRelay, type RawClient, type TestRelay } from './testRelay.ts';

// Answer-key escrow through the real relay (SPEC ESCROW-6..8): deposits are checked against the
// connection's own device, stored, and released only to a device whose own answer is stored.

const relays: TestRelay[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) await relay.close();
});

const SLOT = new Uint8Array(16).fill(0x5a);

async function room(): Promise<{ relay: TestRelay; secret: RoomSecret; join: () => Promise<RawClient> }> {
  const relay = await startTestRelay();
  relays.push(relay);
  const secret = generateRoomSecret();
  return {
    relay,
    secret,
    async join() {
      const client = await connectRawClient({ wsUrl: relay.wsUrl, secret });
      clients.push(client);
      await client.ready;
      return client;
    },
  };
}

interface DepositOptions {
  readonly to?: readonly RawClient[];
  readonly kind?: number;
  readonly slot?: Uint8Array;
  readonly record?: number;
  /** Sign with this secret key instead of the sender's device key. */
  readonly signer?: Uint8Array;
  /** Sign for this slot while sending another. */
  readonly signedSlot?: Uint8Array;
}

function depositFrame(from: RawClient, options: DepositOptions = {}): Uint8Array {
  const fields = (slotTag: Uint8Array) => ({
    slotTag,
    depositKind: options.kind ?? ESCROW_KIND.ANSWER,
    lifetimeDays: 60,
    record: Uint8Array.of(from.device.publicKey[0]!, options.record ?? 1),
    boxes: (options.to ?? []).map((peer) => ({ recipient: peer.device.publicKey, box: Uint8Array.of(from.device.publicKey[0]!, peer.device.publicKey[0]!) })),
  });
  const slot = options.slot ?? SLOT;
  const signature = signEscrowDeposit(from.keys.roomIdBytes, encodeEscrowDepositBody(fields(options.signedSlot ?? slot)), options.signer ?? from.device.secretKey);
  return encodeEscrowDepositFrame(encodeEscrowDepositBody(fields(slot)), signature);
}

const answersOf = (client: RawClient): EscrowReleasesFrame[] => client.frames.filter((frame): frame is EscrowReleasesFrame => frame.kind === FRAME.ESCROW_RELEASES);

async function send(client: RawClient, frame: Uint8Array): Promise<EscrowReleasesFrame> {
  const before = answersOf(client).length;
  client.sendRaw(frame);
  await waitFor(() => answersOf(client).length > before, { what: 'ESCROW_RELEASES' });
  return answersOf(client)[before]!;
}

const boxesIn = (answer: EscrowReleasesFrame): number[][] => answer.releases.map((release) => [...release.box]);

describe('answer-key escrow at the relay', () => {
  it('ESCROW-6 the first deposit releases nothing; the second gets the first box in its reply; the first hears of it and reads the second box', async () => {
    const { join } = await room();
    const alex = await join();
    const sam = await join();
    const first = await send(alex, depositFrame(alex, { to: [sam] }));
    expect(first).toMatchObject({ status: ESCROW_STATUS.STORED, releases: [] });
    expect(boxesIn(await send(sam, encodeEscrowReadFrame(SLOT)))).toEqual([]);
    const second = await send(sam, depositFrame(sam, { to: [alex] }));
    expect(second.status).toBe(ESCROW_STATUS.STORED);
    expect(boxesIn(second)).toEqual([[alex.device.publicKey[0]!, sam.device.publicKey[0]!]]);
    expect(second.releases[0]!.depositor).toEqual(alex.device.publicKey);
    await waitFor(() => alex.frames.some((frame) => frame.kind === FRAME.ESCROW_NOTICE), { what: 'the notice to Alex' });
    const read = await send(alex, encodeEscrowReadFrame(SLOT));
    expect(boxesIn(read)).toEqual([[sam.device.publicKey[0]!, alex.device.publicKey[0]!]]);
    // A resend is a duplicate with the same releases; another record is a conflict.
    expect(await send(sam, depositFrame(sam, { to: [alex] }))).toMatchObject({ status: ESCROW_STATUS.DUPLICATE });
    expect(await send(sam, depositFrame(sam, { to: [alex], record: 2 }))).toMatchObject({ status: ESCROW_STATUS.CONFLICT, releases: [] });
  });

  it('ESCROW-7 forged, replayed and wrong-slot deposits, boxes to a device outside the room, and a decline carrying boxes are refused and store nothing', async () => {
    const { relay, join } = await room();
    const alex = await join();
    const sam = await join();
    const jo = await join();
    const stranger = generateDeviceKeyPair();
    // Forged: signed by a key that is not this connection's device.
    expect((await send(alex, depositFrame(alex, { to: [sam], signer: stranger.secretKey }))).status).toBe(ESCROW_STATUS.REFUSED);
    // Replayed: Sam's own signed deposit, sent by Jo's connection.
    expect((await send(jo, depositFrame(sam, { to: [alex] }))).status).toBe(ESCROW_STATUS.REFUSED);
    // Wrong slot: signed for one slot, sent for another.
    expect((await send(alex, depositFrame(alex, { to: [sam], signedSlot: new Uint8Array(16).fill(1) }))).status).toBe(ESCROW_STATUS.REFUSED);
    // A box for a device that is not in the room, or for itself.
    const outsider = { device: stranger } as unknown as RawClient;
    expect((await send(alex, depositFrame(alex, { to: [outsider] }))).status).toBe(ESCROW_STATUS.REFUSED);
    expect((await send(alex, depositFrame(alex, { to: [alex] }))).status).toBe(ESCROW_STATUS.REFUSED);
    expect((await send(alex, depositFrame(alex, { to: [sam], kind: ESCROW_KIND.DECLINE }))).status).toBe(ESCROW_STATUS.REFUSED);
    // None of it was stored: Sam's honest deposit finds nothing from Alex.
    const honest = await send(sam, depositFrame(sam, { to: [alex] }));
    expect(honest).toMatchObject({ status: ESCROW_STATUS.STORED, releases: [] });
    expect(await relay.storage.readEscrowReleases(sam.keys.roomId, SLOT, sam.device.publicKey)).toEqual([]);
  });

  it('ESCROW-8 a device that declined never gets a box; a malformed deposit closes the socket as a protocol violation', async () => {
    const { join } = await room();
    const alex = await join();
    const sam = await join();
    await send(alex, depositFrame(alex, { to: [sam] }));
    expect(await send(sam, depositFrame(sam, { kind: ESCROW_KIND.DECLINE }))).toMatchObject({ status: ESCROW_STATUS.STORED, releases: [] });
    expect(boxesIn(await send(sam, encodeEscrowReadFrame(SLOT)))).toEqual([]);
    sam.sendRaw(Uint8Array.of(FRAME.ESCROW_DEPOSIT, 1, 2, 3));
    expect((await sam.closed).code).toBe(CLOSE.PROTOCOL_VIOLATION);
  });

  it("ESCROW-4 the relay's hourly garbage collection erases deposits whose lifetime (60 days here) is over, and no others", async () => {
    const { relay, join } = await room();
    const alex = await join();
    const sam = await join();
    await send(alex, depositFrame(alex, { to: [sam] }));
    await send(sam, depositFrame(sam, { to: [alex] }));
    const roomId = alex.keys.roomId;
    await relay.relay.collectGarbage(Date.now() + 59 * 24 * 3600 * 1000);
    expect((await relay.storage.readEscrowReleases(roomId, SLOT, alex.device.publicKey)).length).toBe(1);
    await relay.relay.collectGarbage(Date.now() + 61 * 24 * 3600 * 1000);
    expect(await relay.storage.readEscrowReleases(roomId, SLOT, alex.device.publicKey)).toEqual([]);
    expect(await relay.storage.readEscrowReleases(roomId, SLOT, sam.device.publicKey)).toEqual([]);
  });
});
