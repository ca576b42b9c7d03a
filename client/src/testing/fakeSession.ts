// A RoomSession stand-in for unit tests: a real Y.Doc and Awareness, no network.
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { toHex } from '@seen/shared/protocol';
import type { EscrowDepositRequest, PushOutcome, RoomSession, SessionStatus } from '@seen/sync';

export interface FakeSession extends RoomSession {
  setStatus(patch: Partial<SessionStatus>): void;
  /** Push requests made so far, in order ('subscribe', 'unsubscribe', 'nudge'). */
  readonly pushRequests: string[];
  /** Escrow deposits made so far, in order. */
  readonly escrowDeposits: EscrowDepositRequest[];
  /** Devices the relay was asked to forget, in order (hex). */
  readonly revokedDevices: string[];
}

export function createFakeSession(doc = new Y.Doc()): FakeSession {
  const awareness = new Awareness(doc);
  const listeners = new Set<() => void>();
  let status: SessionStatus = {
    phase: 'synced', refusal: null, pendingAcks: 0, lastSavedAt: null, partnerLastActiveAt: null,
    sealed: false, deviceCount: 1, saved: true, warnings: [], quotaExceeded: false,
  };
  const pushRequests: string[] = [];
  const escrowDeposits: EscrowDepositRequest[] = [];
  const revokedDevices: string[] = [];
  const answerPush = (kind: string): Promise<PushOutcome> => {
    pushRequests.push(kind);
    return Promise.resolve('ok');
  };
  return {
    roomId: 'test-room',
    pushRequests,
    escrowDeposits,
    revokedDevices,
    doc,
    awareness,
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setStatus(patch) {
      status = { ...status, ...patch };
      for (const listener of listeners) listener();
    },
    whenLocalLoaded: () => Promise.resolve(),
    whenSynced: () => Promise.resolve(),
    whenSaved: () => Promise.resolve(),
    flush: () => undefined,
    compact: () => undefined,
    reconnect: () => undefined,
    disconnect: () => undefined,
    connect: () => undefined,
    seal: () => Promise.resolve(),
    deleteRoom: () => Promise.resolve(),
    issueAdmissionTicket: () => Promise.resolve(new Uint8Array(16).fill(7)),
    revokeDevice: (devicePublicKey) => {
      revokedDevices.push(toHex(devicePublicKey));
      return Promise.resolve();
    },
    registerPush: () => answerPush('subscribe'),
    unregisterPush: () => answerPush('unsubscribe'),
    nudge: () => answerPush('nudge'),
    depositEscrow: (deposit) => {
      escrowDeposits.push(deposit);
      return Promise.resolve({ status: 'stored', releases: [] });
    },
    readEscrow: () => Promise.resolve({ status: 'stored', releases: [] }),
    onEscrowNotice: () => () => undefined,
    destroy: () => {
      awareness.destroy();
      doc.destroy();
    },
  };
}
