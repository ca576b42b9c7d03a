import { PUSH_STATUS, type FRAME } from '@seen/shared/protocol';
import { AnswerWaiters } from './AnswerWaiters.ts';

/** What the relay said about a push request (PROTOCOL.md §3a, PUSH_STATUS). */
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

type PushRequestType = typeof FRAME.PUSH_SUBSCRIBE | typeof FRAME.PUSH_UNSUBSCRIBE | typeof FRAME.NUDGE;

/** PUSH_STATUS answers, matched to requests per request type. */
export class PushRequests {
  private readonly waiters = new AnswerWaiters<PushOutcome>();

  request(type: PushRequestType, send: () => boolean): Promise<PushOutcome> {
    return this.waiters.request(String(type), send);
  }

  answer(answers: number, status: number): void {
    // A status this client does not know yet is still a refusal it can put into words.
    this.waiters.answer(String(answers), OUTCOME_OF_STATUS[status] ?? 'unavailable');
  }

  failAll(): void {
    this.waiters.failAll();
  }
}
