import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { isIP } from 'node:net';
import webpush from 'web-push';
import type { Logger } from '../log.ts';
import type { StoredPushSubscription, VapidKeys } from '../storage/PushStorage.ts';
import { addressAllowed, checkEndpointUrl, createGuardedLookup, hostOf, type PushEndpointPolicy } from './pushEndpointPolicy.ts';

/** How a push went: delivered to the push service; `gone` = the service forgot the subscription (404/410). */
export type PushResult = 'delivered' | 'gone' | 'failed' | 'refused' | 'dropped';

export interface PushSenderOptions {
  readonly vapidKeys: VapidKeys;
  /** VAPID `sub`: how a push service reaches the relay's operator (mailto: or https:). */
  readonly contact: string;
  readonly policy: PushEndpointPolicy;
  readonly logger: Logger;
  /** PEM certificates the push agent trusts instead of the system's (tests' local push endpoint). */
  readonly trustedCertificates?: string;
}

/** Pushes in flight at once; the rest wait their turn, so a burst never floods the network. */
const MAX_IN_FLIGHT = 8;
/** Pushes waiting beyond this are dropped: a push is a nudge, never data, and a backlog helps nobody. */
const MAX_QUEUED = 2_000;
/** A push service that does not answer within this is given up on. */
const PUSH_TIMEOUT_MS = 10_000;
/** A push service keeps an undelivered nudge this long (the device is off): a day-old nudge is still welcome, an older one is noise. */
const PUSH_TTL_SECONDS = 24 * 3600;

const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/**
 * A push service may replace an undelivered push by a newer one with the same Topic, so a device
 * that was off gets one nudge per room, not ten. The topic is a digest of the endpoint and the
 * room: stable per device and room, and unlike the room id it tells the push service nothing
 * about which devices share a room.
 */
function topicOf(endpoint: string, roomId: string): string {
  return createHash('sha256').update(`${endpoint}\u0000${roomId}`).digest('base64url').slice(0, 32);
}

/**
 * Sends Web Push messages (RFC 8030) with the payload encrypted to the subscription (RFC 8291,
 * aes128gcm) and signed by the relay's VAPID key (RFC 8292), through `web-push`. Asynchronous and
 * bounded: at most MAX_IN_FLIGHT requests at once, each with a timeout, over one keep-alive agent
 * whose DNS lookups refuse non-public addresses.
 */
export class PushSender {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private readonly agent: Agent;
  private closed = false;

  constructor(private readonly options: PushSenderOptions) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: MAX_IN_FLIGHT,
      lookup: createGuardedLookup(options.policy),
      ...(options.trustedCertificates === undefined ? {} : { ca: options.trustedCertificates }),
    });
  }

  get publicKey(): string {
    return this.options.vapidKeys.publicKey;
  }

  /** Pushes `payload` to one subscription; never rejects. */
  send(subscription: StoredPushSubscription, roomId: string, payload: string): Promise<PushResult> {
    if (this.closed) return Promise.resolve('dropped');
    // The policy may be stricter than when the subscription was kept (the relay was reconfigured).
    const verdict = checkEndpointUrl(subscription.endpoint, this.options.policy);
    if (!verdict.ok) return Promise.resolve('refused');
    const host = hostOf(verdict.url);
    // An address literal is never looked up, so the guarded lookup cannot see it: check it here.
    if (isIP(host) !== 0 && !addressAllowed(host, this.options.policy)) return Promise.resolve('refused');
    if (this.queue.length >= MAX_QUEUED) return Promise.resolve('dropped');
    return new Promise((resolve) => {
      const run = (): void => {
        if (this.closed) return resolve('dropped');
        this.inFlight++;
        void this.post(subscription, roomId, payload).then((result) => {
          this.inFlight--;
          if (!this.closed) this.queue.shift()?.();
          resolve(result);
        });
      };
      if (this.inFlight < MAX_IN_FLIGHT) run();
      else this.queue.push(run);
    });
  }

  private async post(subscription: StoredPushSubscription, roomId: string, payload: string): Promise<PushResult> {
    const { vapidKeys, contact, logger } = this.options;
    try {
      await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: toBase64Url(subscription.p256dh), auth: toBase64Url(subscription.auth) } },
        payload,
        {
          vapidDetails: { subject: contact, publicKey: vapidKeys.publicKey, privateKey: vapidKeys.privateKey },
          TTL: PUSH_TTL_SECONDS,
          urgency: 'normal',
          topic: topicOf(subscription.endpoint, roomId),
          contentEncoding: 'aes128gcm',
          agent: this.agent,
          timeout: PUSH_TIMEOUT_MS,
        },
      );
      return 'delivered';
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      // The endpoint's host, never the path (it identifies the device to whoever reads the log).
      logger.log('warn', 'push failed', { host: new URL(subscription.endpoint).host, status: status ?? null, error: status === undefined ? String(error) : null });
      return 'failed';
    }
  }

  close(): void {
    this.closed = true;
    for (const run of this.queue.splice(0)) run();
    this.agent.destroy();
  }
}
