import { ESCROW_STATUS, toHex, type EscrowReleaseField } from '@seen/shared/protocol';

/** What the relay said about a deposit or read (PROTOCOL.md §3b, ESCROW_RELEASES). */
export type EscrowStatus = 'stored' | 'duplicate' | 'conflict' | 'refused' | 'unavailable';

export interface EscrowAnswer {
  readonly status: EscrowStatus;
  /** Boxes this device may open now, each with the record of the deposit it came from. */
  readonly releases: readonly EscrowReleaseField[];
}

const STATUS_NAMES: Readonly<Record<number, EscrowStatus>> = {
  [ESCROW_STATUS.STORED]: 'stored',
  [ESCROW_STATUS.DUPLICATE]: 'duplicate',
  [ESCROW_STATUS.CONFLICT]: 'conflict',
  [ESCROW_STATUS.REFUSED]: 'refused',
  [ESCROW_STATUS.UNAVAILABLE]: 'unavailable',
};

const ESCROW_ANSWER_TIMEOUT_MS = 15_000;

interface Waiter {
  resolve(answer: EscrowAnswer): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Matches ESCROW_RELEASES answers to the deposits and reads that asked for them: the relay answers a
 * connection's escrow requests in order, and each answer names its slot, so a queue per slot is
 * enough. A closed connection fails whatever is still waiting.
 */
export class EscrowRequests {
  private readonly waiting = new Map<string, Waiter[]>();

  request(slotTag: Uint8Array, send: () => boolean): Promise<EscrowAnswer> {
    return new Promise((resolve, reject) => {
      if (!send()) return reject(new Error('Not connected to the relay. Try again when you are online.'));
      const slot = toHex(slotTag);
      const queue = this.waiting.get(slot) ?? [];
      this.waiting.set(slot, queue);
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new Error('The relay did not answer in time. Try again in a moment.'));
        }, ESCROW_ANSWER_TIMEOUT_MS),
      };
      queue.push(waiter);
    });
  }

  answer(slotTag: Uint8Array, status: number, releases: readonly EscrowReleaseField[]): void {
    const waiter = this.waiting.get(toHex(slotTag))?.shift();
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.resolve({ status: STATUS_NAMES[status] ?? 'unavailable', releases });
  }

  failAll(): void {
    for (const queue of this.waiting.values()) {
      for (const waiter of queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('The connection to the relay closed before it answered. Try again.'));
      }
    }
  }
}
