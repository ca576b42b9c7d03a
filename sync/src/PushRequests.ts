import { PUSH_STATUS, type FRAME } from '@seen/shared/protocol';

/** What the relay said about a push request (PROTOCOL.md §3, PUSH_STATUS). */
export type PushOutcome = 'ok' | 'endpoint-not-allowed' | 'bad-subscription' | 'rate-limited' | 'unavailable';

/** A browser push subscription in the relay's terms (PushSubscription.getKey('p256dh') / ('auth')). */
export interface PushSubscriptionKeys {
  readonly endpoint: string;
  /** Uncompressed P-256 public key, 65 bytes. */
  readonly p256dh: Uint8Array;
  /** The auth secret, 16 bytes. */
  readonly auth: Uint8Array;
}

const OUTCOME_OF_STATUS: Readonly<Record<number, PushOutcome>> = {
  [PUSH_STATUS.OK]: 'ok',
  [PUSH_STATUS.ENDPOINT_NOT_ALLOWED]: 'endpoint-not-allowed',
  [PUSH_STATUS.BAD_SUBSCRIPTION]: 'bad-subscription',
  [PUSH_STATUS.RATE_LIMITED]: 'rate-limited',
  [PUSH_STATUS.UNAVAILABLE]: 'unavailable',
};

/** A relay that does not answer within this is treated as gone: the caller hears so and may retry. */
export const PUSH_ANSWER_TIMEOUT_MS = 15_000;

type PushRequestType = typeof FRAME.PUSH_SUBSCRIBE | typeof FRAME.PUSH_UNSUBSCRIBE | typeof FRAME.NUDGE;

interface Waiter {
  resolve(outcome: PushOutcome): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Matches PUSH_STATUS answers to the requests that asked for them. The relay answers each kind of
 * request in the order it received them on one connection, so a queue per kind is enough; a closed
 * connection fails whatever is still waiting (the relay may or may not have acted on it).
 */
export class PushRequests {
  private readonly waiting = new Map<number, Waiter[]>();

  /** Sends through `send` (false: not connected) and resolves with the relay's answer. */
  request(type: PushRequestType, send: () => boolean): Promise<PushOutcome> {
    return new Promise((resolve, reject) => {
      if (!send()) {
        reject(new Error('Not connected to the relay. Try again when you are online.'));
        return;
      }
      const queue = this.waiting.get(type) ?? [];
      this.waiting.set(type, queue);
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new Error('The relay did not answer in time. Try again in a moment.'));
        }, PUSH_ANSWER_TIMEOUT_MS),
      };
      queue.push(waiter);
    });
  }

  /** A PUSH_STATUS frame arrived. An answer nobody waits for (injected, or late) is ignored. */
  answer(answers: number, status: number): void {
    const waiter = this.waiting.get(answers)?.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    // A status this client does not know yet is still a refusal it can put into words.
    waiter.resolve(OUTCOME_OF_STATUS[status] ?? 'unavailable');
  }

  /** The connection closed: no answer will come for anything sent on it. */
  failAll(): void {
    for (const queue of this.waiting.values()) {
      for (const waiter of queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('The connection to the relay closed before it answered. Try again.'));
      }
    }
  }
}
