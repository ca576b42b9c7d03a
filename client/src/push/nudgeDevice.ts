// Turning nudges on and off on this device (SPEC APP-33, APP-34): the browser's permission, its push
// subscription (one per origin, shared by every room on the device), and the relay's record of it
// for one room. Loaded lazily: only the prompt and the Room & data switch need it.
import type { PushOutcome, PushSubscriptionKeys, RoomSession } from '@seen/sync';
import { failureOfOutcome, type NudgeFailure } from './nudgeWords.ts';
import { listRoomsWithNudges, readNudgeState, writeNudgeState, type NudgeState } from './nudgeChoice.ts';

export type NudgeResult = { readonly ok: true } | { readonly ok: false; readonly failure: NudgeFailure };

/** The relay's VAPID public key (applicationServerKey), an uncompressed P-256 point. */
const PUSH_KEY_PATH = '/v1/push/key';
const P256_POINT_BYTES = 65;
const UNCOMPRESSED_POINT_PREFIX = 0x04;
/** The worker is registered 5 s after load (../app/appUpdate.ts); a little longer than that is a failure. */
const WORKER_READY_TIMEOUT_MS = 15_000;
/** A push service that has not answered by then is as good as unreachable (the switch must not spin). */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

const OK: NudgeResult = { ok: true };
const fail = (failure: NudgeFailure): NudgeResult => ({ ok: false, failure });

class NudgeError extends Error {
  constructor(readonly failure: NudgeFailure) {
    super(failure);
  }
}

/** What this browser allows: push at all, and whether the person has blocked notifications. */
export function readPushSupport(): 'supported' | 'unsupported' | 'denied' {
  if (typeof window === 'undefined' || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission === 'denied' ? 'denied' : 'supported';
}

function decodeBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (char) => char.charCodeAt(0));
}

async function fetchPushKey(): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const response = await fetch(PUSH_KEY_PATH, { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const body = (await response.json()) as { publicKey?: unknown };
    const key = typeof body.publicKey === 'string' ? decodeBase64Url(body.publicKey) : new Uint8Array();
    if (key.length !== P256_POINT_BYTES || key[0] !== UNCOMPRESSED_POINT_PREFIX) throw new Error('not a P-256 point');
    return new Uint8Array(key);
  } catch {
    throw new NudgeError('no-key');
  }
}

/** Rejects with `failure` once `ms` have passed: no step of turning nudges on may spin forever. */
async function withTimeout<T>(promise: Promise<T>, ms: number, failure: NudgeFailure): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NudgeError(failure)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readyRegistration(): Promise<ServiceWorkerRegistration> {
  const registered = await navigator.serviceWorker.getRegistration('/').catch(() => undefined);
  if (registered?.active) return registered;
  return withTimeout(navigator.serviceWorker.ready, WORKER_READY_TIMEOUT_MS, 'no-worker');
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, index) => byte === b[index]);
}

/**
 * This browser's subscription for the relay's current key: the one it has, or a new one. A
 * subscription made for another key (the relay's key changed) is replaced.
 */
async function currentSubscription(registration: ServiceWorkerRegistration, create: boolean): Promise<PushSubscription | null> {
  const key = await fetchPushKey();
  const existing = await registration.pushManager.getSubscription().catch(() => null);
  if (existing && sameBytes(existing.options.applicationServerKey, key)) return existing;
  if (existing) await existing.unsubscribe().catch(() => false);
  if (!create) return null;
  try {
    return await withTimeout(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }), SUBSCRIBE_TIMEOUT_MS, 'push-service');
  } catch {
    throw new NudgeError('push-service');
  }
}

function keysOf(subscription: PushSubscription): PushSubscriptionKeys {
  const p256dh = subscription.getKey('p256dh');
  const auth = subscription.getKey('auth');
  if (!p256dh || !auth || !subscription.endpoint.startsWith('https://')) throw new NudgeError('push-service');
  return { endpoint: subscription.endpoint, p256dh: new Uint8Array(p256dh), auth: new Uint8Array(auth) };
}

async function askRelay(request: () => Promise<PushOutcome>): Promise<void> {
  let outcome;
  try {
    outcome = await request();
  } catch {
    throw new NudgeError('unreachable');
  }
  const failure = failureOfOutcome(outcome);
  if (failure) throw new NudgeError(failure);
}

async function settle(work: () => Promise<void>): Promise<NudgeResult> {
  try {
    await work();
    return OK;
  } catch (error) {
    return fail(error instanceof NudgeError ? error.failure : 'push-service');
  }
}

/**
 * The browser has one push subscription for every room on this device: once no room has nudges on
 * (turned off, or the last such room left), it is cancelled at the push service.
 */
export async function cancelUnusedSubscription(): Promise<void> {
  if (readPushSupport() === 'unsupported' || (await listRoomsWithNudges().catch(() => ['unknown'])).length > 0) return;
  const registration = await navigator.serviceWorker.getRegistration('/').catch(() => undefined);
  const subscription = await registration?.pushManager.getSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

/** The prompt's "Turn on nudges" and the switch turned on: permission, subscription, the relay. */
export function turnOnNudges(session: RoomSession): Promise<NudgeResult> {
  return settle(async () => {
    const support = readPushSupport();
    if (support !== 'supported') throw new NudgeError(support);
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission === 'denied') throw new NudgeError('denied');
    if (permission !== 'granted') throw new NudgeError('not-allowed');
    const registration = await readyRegistration();
    const subscription = await currentSubscription(registration, true);
    if (!subscription) throw new NudgeError('push-service');
    await askRelay(() => session.registerPush(keysOf(subscription)));
    await writeNudgeState(session.roomId, { choice: 'on', unregisterPending: false });
  });
}

/**
 * The switch turned off: the relay forgets this room's subscription, and the browser's own one goes
 * once no other room on this device still wants nudges. Off here even when the relay cannot be told
 * now: the next time the room opens, it is told (refreshNudges).
 */
export function turnOffNudges(session: RoomSession): Promise<NudgeResult> {
  return settle(async () => {
    await writeNudgeState(session.roomId, { choice: 'off', unregisterPending: true });
    const told = await settle(() => askRelay(() => session.unregisterPush()));
    if (told.ok) await writeNudgeState(session.roomId, { choice: 'off', unregisterPending: false });
    // Even when the relay could not be told, a subscription no room wants any more is cancelled at
    // the push service: whatever the relay still sends then reaches nobody.
    await cancelUnusedSubscription();
    if (!told.ok) throw new NudgeError(told.failure);
  });
}

/** "Not now" on the prompt: it does not come back for this room on this device. */
export async function dismissNudgePrompt(roomId: string): Promise<void> {
  await writeNudgeState(roomId, { choice: 'dismissed', unregisterPending: false });
}

export async function readNudgeChoice(roomId: string): Promise<NudgeState | null> {
  return readNudgeState(roomId).catch(() => null);
}

/**
 * At each room open, once synced: a device with nudges on registers its subscription again (the
 * browser may have replaced it), and one turned off while offline tells the relay now. Quiet: a
 * failure here waits for the next open; the switch shows the state.
 */
export async function refreshNudges(session: RoomSession): Promise<void> {
  const state = await readNudgeChoice(session.roomId);
  if (state?.choice === 'off' && state.unregisterPending) {
    const result = await settle(() => askRelay(() => session.unregisterPush()));
    if (result.ok) await writeNudgeState(session.roomId, { choice: 'off', unregisterPending: false });
    return;
  }
  if (state?.choice !== 'on' || readPushSupport() !== 'supported' || Notification.permission !== 'granted') return;
  await settle(async () => {
    const registration = await readyRegistration();
    const subscription = await currentSubscription(registration, true);
    if (subscription) await askRelay(() => session.registerPush(keysOf(subscription)));
  });
}
