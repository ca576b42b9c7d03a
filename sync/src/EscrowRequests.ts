import { ESCROW_STATUS, toHex, type EscrowReleaseField } from '@seen/shared/protocol';
import { AnswerWaiters } from './AnswerWaiters.ts';

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

/** ESCROW_RELEASES answers, matched to deposits and reads per slot (each answer names its slot). */
export class EscrowRequests {
  private readonly waiters = new AnswerWaiters<EscrowAnswer>();

  request(slotTag: Uint8Array, send: () => boolean): Promise<EscrowAnswer> {
    return this.waiters.request(toHex(slotTag), send);
  }

  answer(slotTag: Uint8Array, status: number, releases: readonly EscrowReleaseField[]): void {
    this.waiters.answer(toHex(slotTag), { status: STATUS_NAMES[status] ?? 'unavailable', releases });
  }

  failAll(): void {
    this.waiters.failAll();
  }
}
