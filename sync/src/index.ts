// @seen/sync: a Y.Doc kept in sync, end to end encrypted, through a blind Seen relay. This file is
// the whole public API; everything else in the package is internal (README.md shows it in use).
import { openRoomSession, type CreateRoomSessionOptions } from './createRoomSession.ts';
import type { RoomSession } from './RoomSession.ts';

/**
 * Opens a room on this device: keeps `options.doc` (or a new Y.Doc) in sync with every other
 * device holding the room's secret, through the relay at `options.relayUrl`, end to end encrypted.
 */
export function createRoomSession(options: CreateRoomSessionOptions): RoomSession {
  return openRoomSession(options);
}

export { localDatabaseName, type CreateRoomSessionOptions, type RelayWatermarkStore } from './createRoomSession.ts';
export type {
  EscrowDepositRequest,
  OfflineReason,
  RefusalReason,
  RoomSession,
  SessionPhase,
  SessionStatus,
  SyncWarning,
  SyncWarningKind,
} from './RoomSession.ts';
export type { SocketConstructor, SocketLike } from './EncryptedSocket.ts';
export type { PushOutcome, PushSubscriptionKeys } from './PushRequests.ts';
export type { EscrowAnswer, EscrowStatus } from './EscrowRequests.ts';
export type { RelayWatermark } from './IntegrityWatch.ts';
export type { WakeUpSources, WakeUpTarget } from './watchWakeUps.ts';
export { DEFAULT_COALESCE_MS, type CoalesceWindow } from './UpdateCoalescer.ts';
export { createInviteLink, generateRoomSecret, parseInviteLink } from './inviteLink.ts';
export type { DeviceKeyPair, InviteError, InviteParse, RoomSecret } from './publicTypes.ts';
export { generateDeviceKeyPair } from './deviceKey.ts';
