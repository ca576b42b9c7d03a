import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FRAME, PUSH_KEY_SIZE, PUSH_STATUS, encodeNudgeFrame, encodePushSubscribeFrame, encodePushUnsubscribeFrame, type PushStatusFrame, type RelayLimits } from '@seen/shared/protocol';
import { generateRoomSecret, type RoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import {
  connectRawClient,
  createPushSubscriber,
  startPushEndpoint,
  startTestRelay,
  type PushSubscriber,
  type RawClient,
  type TestPushEndpoint,
  type TestRelay,
} from './testRelay.ts';

// Web Push through the real relay (SPEC PUSH-1..8): a local HTTPS stand-in for the browsers' push
// services receives what the relay sends; the test decrypts it as a browser would (RFC 8291).

let endpoint: TestPushEndpoint;
const relays: TestRelay[] = [];
const clients: RawClient[] = [];

beforeAll(async () => {
  endpoint = await startPushEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) await relay.close();
});

/** A relay that may post to the local endpoint: the explicit test setting for loopback addresses. */
async function startRelayForPush(options: { allowPrivateAddresses?: boolean; dataDir?: string; limits?: Partial<RelayLimits> } = {}): Promise<TestRelay> {
  const relay = await startTestRelay({
    dataDir: options.dataDir,
    limits: options.limits,
    push: { allowedHosts: ['127.0.0.1'], allowPrivateAddresses: options.allowPrivateAddresses ?? true, trustedCertificates: endpoint.certificate },
  });
  relays.push(relay);
  return relay;
}

async function join(relay: TestRelay, secret: RoomSecret): Promise<RawClient> {
  const client = await connectRawClient({ wsUrl: relay.wsUrl, secret });
  clients.push(client);
  await client.ready;
  return client;
}

const pushStatuses = (client: RawClient, answers: number): number[] =>
  client.frames.filter((frame): frame is PushStatusFrame => frame.kind === FRAME.PUSH_STATUS && frame.answers === answers).map((frame) => frame.status);

/** Sends a push request and waits for the relay's answer to it. */
async function request(client: RawClient, frame: Uint8Array, answers: number): Promise<number> {
  const before = pushStatuses(client, answers).length;
  client.sendRaw(frame);
  await waitFor(() => pushStatuses(client, answers).length > before, { what: 'PUSH_STATUS' });
  return pushStatuses(client, answers)[before]!;
}

const subscribe = (client: RawClient, subscriber: PushSubscriber): Promise<number> => request(client, subscriber.frame(), FRAME.PUSH_SUBSCRIBE);
const nudge = (client: RawClient): Promise<number> => request(client, encodeNudgeFrame(), FRAME.NUDGE);
const pushesTo = (path: string) => endpoint.received.filter((push) => push.path === `/${path}`);

/** A device that subscribed and then went away (closed the app): the one a push is for. */
async function subscribeAndLeave(relay: TestRelay, secret: RoomSecret, path: string): Promise<PushSubscriber> {
  const client = await join(relay, secret);
  const subscriber = createPushSubscriber(endpoint.url(path));
  expect(await subscribe(client, subscriber)).toBe(PUSH_STATUS.OK);
  client.close();
  await client.closed;
  return subscriber;
}

describe('Web Push at the relay', () => {
  it('PUSH-1 the relay makes a VAPID key pair at its first start, serves the public key, and keeps it across restarts', async () => {
    const first = await startRelayForPush();
    const response = await fetch(`${first.httpUrl}/v1/push/key`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { publicKey } = (await response.json()) as { publicKey: string };
    const key = Buffer.from(publicKey, 'base64url');
    expect(key.length).toBe(PUSH_KEY_SIZE.P256DH);
    expect(key[0]).toBe(0x04);
    const dataDir = first.dataDir;
    const restarted = await startRelayForPush({ dataDir });
    // Same data folder, second relay process: the same key, so browsers' subscriptions stay valid.
    expect(((await (await fetch(`${restarted.httpUrl}/v1/push/key`)).json()) as { publicKey: string }).publicKey).toBe(publicKey);
  });

  it('PUSH-2 a nudge reaches the other subscribed device as an RFC 8291 payload holding the room id and nothing else, signed with the relay VAPID key', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    const sam = await subscribeAndLeave(relay, secret, 'sam');
    const alex = await join(relay, secret);
    const alexSubscriber = createPushSubscriber(endpoint.url('alex'));
    expect(await subscribe(alex, alexSubscriber)).toBe(PUSH_STATUS.OK);
    expect(await nudge(alex)).toBe(PUSH_STATUS.OK);
    await waitFor(() => pushesTo('sam').length === 1, { what: "Sam's push" });
    const push = pushesTo('sam')[0]!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(push.headers.ttl)).toBeGreaterThan(0);
    const { publicKey } = (await (await fetch(`${relay.httpUrl}/v1/push/key`)).json()) as { publicKey: string };
    expect(push.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${publicKey}$`));
    // The payload is the room id: Sam's device writes the words itself.
    expect(sam.decrypt(push.body)).toBe(alex.keys.roomId);
    // The push service sees no room id either: not in the topic, not in any header.
    expect(JSON.stringify(push.headers)).not.toContain(alex.keys.roomId);
    expect(push.body.includes(Buffer.from(alex.keys.roomId))).toBe(false);
    // Nobody pushes to the device that nudged.
    expect(pushesTo('alex')).toEqual([]);
  });

  it('PUSH-2 a device with a socket in the room is not pushed to (it sees the change already); a device of another room never is', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    const present = await join(relay, secret);
    expect(await subscribe(present, createPushSubscriber(endpoint.url('present')))).toBe(PUSH_STATUS.OK);
    await subscribeAndLeave(relay, generateRoomSecret(), 'elsewhere');
    await subscribeAndLeave(relay, secret, 'away');
    const sender = await join(relay, secret);
    expect(await nudge(sender)).toBe(PUSH_STATUS.OK);
    await waitFor(() => pushesTo('away').length === 1, { what: 'the away device push' });
    // The away push was sent after both checks were made: the others would have been sent with it.
    expect(pushesTo('present')).toEqual([]);
    expect(pushesTo('elsewhere')).toEqual([]);
  });

  it('PUSH-3 an endpoint that is not https, not on the list of push services, or not a URL is refused, and nothing is kept', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    const client = await join(relay, secret);
    const keys = createPushSubscriber('unused');
    const frameFor = (url: string): Uint8Array => encodePushSubscribeFrame({ endpoint: url, p256dh: keys.p256dh, auth: keys.auth });
    expect(await request(client, frameFor(endpoint.url('x').replace('https:', 'http:')), FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.ENDPOINT_NOT_ALLOWED);
    expect(await request(client, frameFor('https://push.attacker.example/x'), FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.ENDPOINT_NOT_ALLOWED);
    expect(await request(client, frameFor('https://169.254.169.254/latest/meta-data'), FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.ENDPOINT_NOT_ALLOWED);
    expect(await request(client, frameFor('not a url'), FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.BAD_SUBSCRIPTION);
    expect(await request(client, frameFor(`https://user:pw@127.0.0.1/x`), FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.BAD_SUBSCRIPTION);
    // Not a point on P-256: the relay could never encrypt to it.
    const offCurve = encodePushSubscribeFrame({ endpoint: endpoint.url('x'), p256dh: new Uint8Array(PUSH_KEY_SIZE.P256DH).fill(4), auth: keys.auth });
    expect(await request(client, offCurve, FRAME.PUSH_SUBSCRIBE)).toBe(PUSH_STATUS.BAD_SUBSCRIPTION);
    expect(await relay.storage.listPushSubscriptions(client.keys.roomId)).toEqual([]);
    // The connection stays usable: a refusal is an answer, not a close.
    client.put(new Uint8Array([1]));
    await client.waitForAcks(1);
  });

  it('PUSH-3 a loopback or private address is refused unless the explicit test setting is on, even for a host on the list', async () => {
    const strict = await startRelayForPush({ allowPrivateAddresses: false });
    const client = await join(strict, generateRoomSecret());
    expect(await subscribe(client, createPushSubscriber(endpoint.url('loopback')))).toBe(PUSH_STATUS.ENDPOINT_NOT_ALLOWED);
    expect(await strict.storage.listPushSubscriptions(client.keys.roomId)).toEqual([]);
    const permissive = await startRelayForPush({ allowPrivateAddresses: true });
    const other = await join(permissive, generateRoomSecret());
    expect(await subscribe(other, createPushSubscriber(endpoint.url('loopback')))).toBe(PUSH_STATUS.OK);
  });

  it('PUSH-4 an endpoint answering 410 or 404 is forgotten; one answering 201 is kept', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    endpoint.answer('gone', 410);
    endpoint.answer('unknown', 404);
    await subscribeAndLeave(relay, secret, 'gone');
    await subscribeAndLeave(relay, secret, 'unknown');
    await subscribeAndLeave(relay, secret, 'kept');
    const sender = await join(relay, secret);
    const roomId = sender.keys.roomId;
    expect((await relay.storage.listPushSubscriptions(roomId)).length).toBe(3);
    expect(await nudge(sender)).toBe(PUSH_STATUS.OK);
    const endpoints = async (): Promise<string[]> => (await relay.storage.listPushSubscriptions(roomId)).map((row) => row.endpoint);
    let left: string[] = [];
    await waitFor(() => {
      void endpoints().then((list) => (left = list));
      return left.length === 1;
    }, { what: 'the gone subscriptions to be forgotten' });
    expect(left).toEqual([endpoint.url('kept')]);
    expect(pushesTo('kept').length).toBe(1);
  });

  it('PUSH-5 a flood of nudges is rate-limited per device and per room: the excess is answered RATE_LIMITED and pushes nothing', async () => {
    const relay = await startRelayForPush({ limits: { deviceNudgeBurst: 3, roomNudgeBurst: 4 } });
    const secret = generateRoomSecret();
    await subscribeAndLeave(relay, secret, 'flooded');
    const flooder = await join(relay, secret);
    const statuses: number[] = [];
    for (let index = 0; index < 50; index++) flooder.sendRaw(encodeNudgeFrame());
    await waitFor(() => pushStatuses(flooder, FRAME.NUDGE).length === 50, { what: '50 answers' });
    statuses.push(...pushStatuses(flooder, FRAME.NUDGE));
    expect(statuses.filter((status) => status === PUSH_STATUS.OK).length).toBe(3);
    expect(statuses.filter((status) => status === PUSH_STATUS.RATE_LIMITED).length).toBe(47);
    // A second device of the room has its own allowance, but the room's (4) is nearly spent.
    const second = await join(relay, secret);
    expect(await nudge(second)).toBe(PUSH_STATUS.OK);
    expect(await nudge(second)).toBe(PUSH_STATUS.RATE_LIMITED);
    await waitFor(() => pushesTo('flooded').length === 4, { what: 'four pushes' });
    // Answers come after the pushes were handed to the sender: no fifth is on its way.
    expect(endpoint.received.filter((push) => push.path === '/flooded').length).toBe(4);
  });

  it('PUSH-6 unsubscribing removes the device subscription at the relay; nudges then push nothing to it', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    const leaving = await join(relay, secret);
    expect(await subscribe(leaving, createPushSubscriber(endpoint.url('unsubscribed')))).toBe(PUSH_STATUS.OK);
    expect(await request(leaving, encodePushUnsubscribeFrame(), FRAME.PUSH_UNSUBSCRIBE)).toBe(PUSH_STATUS.OK);
    expect(await relay.storage.listPushSubscriptions(leaving.keys.roomId)).toEqual([]);
    leaving.close();
    await subscribeAndLeave(relay, secret, 'still-subscribed');
    const sender = await join(relay, secret);
    expect(await nudge(sender)).toBe(PUSH_STATUS.OK);
    await waitFor(() => pushesTo('still-subscribed').length === 1, { what: 'the remaining push' });
    expect(pushesTo('unsubscribed')).toEqual([]);
  });

  it('PUSH-7 a push service that never answers holds up neither the relay nor the nudging socket', async () => {
    const relay = await startRelayForPush();
    const secret = generateRoomSecret();
    endpoint.answer('hang', 'hang');
    await subscribeAndLeave(relay, secret, 'hang');
    const sender = await join(relay, secret);
    expect(await nudge(sender)).toBe(PUSH_STATUS.OK);
    await waitFor(() => pushesTo('hang').length === 1, { what: 'the hanging push to be sent' });
    sender.put(new Uint8Array([1, 2, 3]));
    await sender.waitForAcks(1);
    const other = await join(relay, secret);
    expect(other.envs.length).toBe(1);
  });

  it('PUSH-8 a malformed push frame closes the socket as a protocol violation; the relay lives on', async () => {
    const relay = await startRelayForPush();
    const client = await join(relay, generateRoomSecret());
    client.sendRaw(Uint8Array.of(FRAME.PUSH_SUBSCRIBE, 1, 2, 3));
    expect((await client.closed).code).toBe(4400);
    const next = await join(relay, generateRoomSecret());
    expect(await nudge(next)).toBe(PUSH_STATUS.OK);
  });
});
