import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Y from 'yjs';
import type { DeviceKeyPair } from '@seen/shared/crypto';
import { REPO_ROOT } from './paths.ts';

// The real client session (sync/src/index.ts, the @seen/sync public API), loaded at run time. The
// bench does not type-check the package's sources (they compile under its own tsconfig, with DOM
// types); this is the slice of its API the bench uses.
export interface BenchRoomSession {
  readonly doc: Y.Doc;
  whenSynced(): Promise<void>;
  getStatus(): { readonly phase: string; readonly pendingAcks: number };
  destroy(): void;
}

export interface BenchRoomSessionOptions {
  readonly secret: Uint8Array;
  readonly relayUrl: string;
  readonly persistence: 'memory';
  readonly WebSocket: unknown;
  readonly device?: DeviceKeyPair;
  readonly compactAfter?: number;
  readonly doc?: Y.Doc;
  readonly coalesceWindow?: (origin: unknown) => number;
}

type CreateRoomSession = (options: BenchRoomSessionOptions) => BenchRoomSession;

let loaded: CreateRoomSession | null = null;

export async function loadCreateRoomSession(): Promise<CreateRoomSession> {
  if (loaded !== null) return loaded;
  const path = resolve(REPO_ROOT, 'sync/src/index.ts');
  const module = (await import(pathToFileURL(path).href)) as { createRoomSession: CreateRoomSession };
  loaded = module.createRoomSession;
  return loaded;
}
