import { CLOSE, isPermanentClose } from '@seen/shared/protocol';
import type { RefusalReason } from './RoomSession.ts';

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
    case CLOSE.FRAME_TOO_LARGE:
      return 'too-large';
    case CLOSE.VERSION_UNSUPPORTED:
      return 'version';
    default:
      return 'protocol';
  }
}
