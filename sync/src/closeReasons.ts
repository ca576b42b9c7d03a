import { CLOSE, isPermanentClose } from '@seen/shared/protocol';
import type { OfflineReason, RefusalReason } from './RoomSession.ts';

/** Maps a permanent close code to what the UI tells the user (SPEC SYNC-12). */
export function refusalForClose(code: number): RefusalReason | null {
  if (!isPermanentClose(code)) return null;
  switch (code) {
    case CLOSE.AUTH_FAILED:
      return 'auth-failed';
    case CLOSE.ROOM_SEALED:
      return 'sealed';
    case CLOSE.ROOM_FULL:
      return 'room-full';
    case CLOSE.ROOM_DELETED:
      return 'deleted';
    case CLOSE.DEVICE_REMOVED:
      return 'device-removed';
    case CLOSE.FRAME_TOO_LARGE:
      return 'too-large';
    case CLOSE.VERSION_UNSUPPORTED:
      return 'version';
    default:
      return 'protocol';
  }
}

/**
 * Why a transient close happened (the provider reconnects by itself). The UI says it in words, so
 * a rate limit or a busy relay reads as "the server is busy, trying again", not as a vague
 * "offline" (SPEC ABUSE-7). Codes outside the relay's set (1006 from a dropped network) are 'network'.
 */
export function offlineReasonForClose(code: number): OfflineReason | null {
  if (isPermanentClose(code)) return null;
  switch (code) {
    case CLOSE.GOING_AWAY:
      return 'relay-restarting';
    case CLOSE.OVERLOADED:
      return 'relay-busy';
    case CLOSE.RATE_LIMITED:
      return 'rate-limited';
    case CLOSE.TOO_MANY_CONNECTIONS:
      return 'too-many-connections';
    case CLOSE.TOO_MANY_SOCKETS:
      return 'room-busy';
    case CLOSE.AUTH_TIMEOUT:
      return 'slow-handshake';
    default:
      return 'network';
  }
}
