import { useCallback } from 'react';
import type { RoomSession, SessionStatus } from '@seen/sync';
import { useStoreInTransitions } from './useStoreInTransitions.ts';

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
const noSession = () => NO_SESSION;

/**
 * The session's status; getStatus must return the same object until something changes. Changes
 * render as transitions: the status line is never what a person is typing into.
 */
export function useSessionStatus(session: RoomSession | null): SessionStatus {
  const subscribe = useCallback((listener: (urgent: boolean) => void) => (session ? session.subscribe(() => listener(false)) : () => {}), [session]);
  return useStoreInTransitions(subscribe, session ? session.getStatus : noSession);
}
