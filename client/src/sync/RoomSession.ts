import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** Why the relay refused this room for good (no automatic reconnect). */
export type RefusalReason =
  | 'auth-failed' // the link's keys do not open this room (altered link, or a different relay)
  | 'sealed' // the room was sealed by its members; this device is not one of them
  | 'deleted' // a member deleted the room; the relay refuses it from now on
  | 'room-full' // the room already has its maximum number of devices
  | 'too-large' // something we tried to save exceeded the relay's frame limit
  | 'version' // this app version and the relay do not speak the same protocol
  | 'protocol'; // the relay and this app disagreed about a frame

/** One status value the UI can put into words. */
export type SessionPhase = 'connecting' | 'syncing' | 'synced' | 'offline' | 'refused';

export interface SessionStatus {
  readonly phase: SessionPhase;
  /** Set when phase is 'refused'. */
  readonly refusal: RefusalReason | null;
  /** Local changes sent but not yet acknowledged as durably stored by the relay. */
  readonly pendingAcks: number;
  /** When the relay last acknowledged one of our writes (ms since epoch), or null. */
  readonly lastSavedAt: number | null;
  /** Newest write seen from another device (sender's clock, ms since epoch), or null. */
  readonly partnerLastActiveAt: number | null;
  /** Whether the room is sealed against new devices. */
  readonly sealed: boolean;
  /** Devices registered in the room (including this one). */
  readonly deviceCount: number;
  /** Human-readable warnings where data could be missing (integrity checks). */
  readonly warnings: readonly string[];
  /** The room was over its storage quota on the last write. */
  readonly quotaExceeded: boolean;
}

export interface RoomSession {
  readonly roomId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  getStatus(): SessionStatus;
  /** Calls the listener after every status change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Resolves when the local document is loaded from the device store (IndexedDB or memory). */
  whenLocalLoaded(): Promise<void>;
  /** Resolves the first time phase becomes 'synced'. */
  whenSynced(): Promise<void>;
  /** Refuse new devices from now on (members already registered keep access). */
  seal(): Promise<void>;
  /** Erase the room on the relay for everyone; the relay refuses its id afterwards. */
  deleteRoom(): Promise<void>;
  /** Close the connection and stop syncing; local data stays on the device. */
  destroy(): void;
}
