import { useSyncExternalStore } from 'react';
import type { RoomSession, SessionStatus } from '@seen/sync';

const NO_SESSION: SessionStatus = {
  phase: 'connecting',
  refusal: null,
  pendingAcks: 0,
  lastSavedAt: null,
  partnerLastActiveAt: null,
  sealed: false,
  deviceCount: 0,
  saved: true,
  warnings: [],
  quotaExceeded: false,
};
const noop = () => () => {};

/** The session's status; getStatus must return the same object until something changes. */
export function useSessionStatus(session: RoomSession | null): SessionStatus {
  return useSyncExternalStore(session ? session.subscribe : noop, session ? session.getStatus : () => NO_SESSION);
}
