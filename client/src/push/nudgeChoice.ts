// Whether this device wants nudges for a room: a per-device, per-room choice kept in this origin's
// IndexedDB, never in the room document (the others have no say in it, and no need to know).
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

/** 'dismissed': "Not now" on the prompt, which then stays away; the switch still works. */
export type NudgeChoice = 'on' | 'off' | 'dismissed';

export interface NudgeState {
  readonly choice: NudgeChoice;
  /** Turned off while the relay could not be told: the next room open tells it (see refreshNudges). */
  readonly unregisterPending: boolean;
}

const DB_NAME = 'seen-nudges';
const STORE_NAME = 'rooms';
const CHOICES: readonly NudgeChoice[] = ['on', 'off', 'dismissed'];

let store: UseStore | null = null;

function choiceStore(): UseStore {
  store ??= createStore(DB_NAME, STORE_NAME);
  return store;
}

function parseState(value: unknown): NudgeState | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const choice = CHOICES.find((known) => known === v.choice);
  return choice ? { choice, unregisterPending: v.unregisterPending === true } : null;
}

/** null: never asked on this device. */
export async function readNudgeState(roomId: string): Promise<NudgeState | null> {
  return parseState(await get(roomId, choiceStore()));
}

export async function writeNudgeState(roomId: string, state: NudgeState): Promise<void> {
  await set(roomId, state, choiceStore());
}

/** Rooms on this device with nudges on (the browser's one subscription serves them all). */
export async function listRoomsWithNudges(): Promise<string[]> {
  const all = await entries(choiceStore());
  return all.filter(([, value]) => parseState(value)?.choice === 'on').map(([key]) => String(key));
}

export async function forgetNudgeState(roomId: string): Promise<void> {
  await del(roomId, choiceStore());
}
