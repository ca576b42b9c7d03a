import { createECDH } from 'node:crypto';
import { PUSH_STATUS, toHex, type PushStatusCode, type PushSubscribeFrame, type RelayLimits } from '@seen/shared/protocol';
import type { Logger } from '../log.ts';
import { TokenBucket } from '../relay/tokenBucket.ts';
import type { RelayStorage } from '../storage/RelayStorage.ts';
import { checkEndpointAddresses, checkEndpointUrl, type PushEndpointPolicy } from './pushEndpointPolicy.ts';
import type { PushSender } from './PushSender.ts';

const SWEEP_EVERY_MS = 10 * 60_000;

interface Bucket {
  readonly bucket: TokenBucket;
  usedAt: number;
}

/** A P-256 public key the relay can encrypt to: ECDH with it succeeds only for a point on the curve. */
function isP256PublicKey(key: Uint8Array): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(key));
    return true;
  } catch {
    return false;
  }
}

/**
 * The relay's half of Web Push (PROTOCOL.md §3, PUSH_SUBSCRIBE / PUSH_UNSUBSCRIBE / NUDGE): keeps one
 * subscription per device and room, and on a member's nudge pushes the room id — nothing else — to
 * the room's other subscribed devices that are not connected right now. Each device writes the
 * notification's words itself from what it keeps.
 */
export class PushService {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sweepTimer: NodeJS.Timeout;
  /** A bucket untouched this long is full again: forgetting it changes nothing. */
  private readonly bucketIdleMs: number;

  constructor(
    private readonly storage: RelayStorage,
    private readonly sender: PushSender,
    private readonly policy: PushEndpointPolicy,
    private readonly limits: RelayLimits,
    private readonly logger: Logger,
  ) {
    this.bucketIdleMs = Math.max(limits.deviceNudgeBurst * limits.deviceNudgeEveryMs, limits.roomNudgeBurst * limits.roomNudgeEveryMs);
    this.sweepTimer = setInterval(() => this.forgetIdleBuckets(Date.now()), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  /** base64url of the VAPID public key (the browser's `applicationServerKey`). */
  get publicKey(): string {
    return this.sender.publicKey;
  }

  async subscribe(roomId: string, devicePublicKey: Uint8Array, frame: PushSubscribeFrame, now: number): Promise<PushStatusCode> {
    if (!isP256PublicKey(frame.p256dh)) return PUSH_STATUS.BAD_SUBSCRIPTION;
    const form = checkEndpointUrl(frame.endpoint, this.policy);
    if (!form.ok) return form.problem === 'bad' ? PUSH_STATUS.BAD_SUBSCRIPTION : PUSH_STATUS.ENDPOINT_NOT_ALLOWED;
    const addresses = await checkEndpointAddresses(form.url, this.policy);
    if (!addresses.ok) return PUSH_STATUS.ENDPOINT_NOT_ALLOWED;
    try {
      await this.storage.savePushSubscription(roomId, { devicePublicKey, endpoint: frame.endpoint, p256dh: frame.p256dh, auth: frame.auth }, now);
      return PUSH_STATUS.OK;
    } catch (error) {
      this.logger.log('error', 'push subscription not kept', { error: String(error) });
      return PUSH_STATUS.UNAVAILABLE;
    }
  }

  async unsubscribe(roomId: string, devicePublicKey: Uint8Array): Promise<PushStatusCode> {
    try {
      await this.storage.removePushSubscription(roomId, devicePublicKey);
      return PUSH_STATUS.OK;
    } catch (error) {
      this.logger.log('error', 'push subscription not removed', { error: String(error) });
      return PUSH_STATUS.UNAVAILABLE;
    }
  }

  /**
   * Answers once the pushes are on their way (not delivered: push services answer in their own
   * time). Devices in `liveDevices` (hex) have a socket in the room and see the change already.
   */
  async nudge(roomId: string, senderDevice: Uint8Array, liveDevices: ReadonlySet<string>, now: number): Promise<PushStatusCode> {
    const { limits } = this;
    const senderHex = toHex(senderDevice);
    if (!this.take(`d:${roomId}:${senderHex}`, limits.deviceNudgeBurst, limits.deviceNudgeEveryMs, now)) return PUSH_STATUS.RATE_LIMITED;
    if (!this.take(`r:${roomId}`, limits.roomNudgeBurst, limits.roomNudgeEveryMs, now)) return PUSH_STATUS.RATE_LIMITED;
    let subscriptions;
    try {
      subscriptions = await this.storage.listPushSubscriptions(roomId);
    } catch (error) {
      this.logger.log('error', 'push subscriptions not read', { error: String(error) });
      return PUSH_STATUS.UNAVAILABLE;
    }
    for (const subscription of subscriptions) {
      const device = toHex(subscription.devicePublicKey);
      if (device === senderHex || liveDevices.has(device)) continue;
      // The payload is the room id: the one thing the device needs to find its own words.
      void this.sender.send(subscription, roomId, roomId).then(async (result) => {
        if (result !== 'gone') return;
        // The push service forgot this subscription (404/410): so does the relay, unless a newer one replaced it.
        await this.storage.removePushSubscription(roomId, subscription.devicePublicKey, subscription.endpoint).catch(() => false);
      });
    }
    return PUSH_STATUS.OK;
  }

  private take(key: string, burst: number, everyMs: number, now: number): boolean {
    let entry = this.buckets.get(key);
    if (entry === undefined) {
      entry = { bucket: new TokenBucket(1000 / everyMs, burst, now), usedAt: now };
      this.buckets.set(key, entry);
    }
    entry.usedAt = now;
    return entry.bucket.take(now);
  }

  private forgetIdleBuckets(now: number): void {
    for (const [key, entry] of this.buckets) if (now - entry.usedAt > this.bucketIdleMs) this.buckets.delete(key);
  }

  close(): void {
    clearInterval(this.sweepTimer);
    this.sender.close();
  }
}
