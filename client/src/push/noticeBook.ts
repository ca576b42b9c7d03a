// The notice book: what this device knows about each of its rooms that a notification may say — the
// room's name, the other members' names, partners or friends, the ritual time. The service worker
// (./pushWorker.ts) reads it when a push arrives, because the push itself carries only the room id:
// the relay never sees a name (SPEC APP-32, WEB-9). It lives in this origin's IndexedDB, apart from
// "Your rooms" (../app/roomStore.ts), and holds no secret, so the worker never touches the keys.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

export interface NoticeRitual {
  /** 0 = Sunday … 6 = Saturday, as in the room document (APP-31). */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

export interface NoticeRecord {
  readonly roomId: string;
  readonly roomName: string;
  /** The other members' names, in the room's order; empty until someone joins. */
  readonly others: readonly string[];
  /** A room for two partners (APP-24); otherwise friends. */
  readonly partners: boolean;
  readonly groupSize: number;
  readonly ritual: NoticeRitual | null;
}

const DB_NAME = 'seen-notices';
const STORE_NAME = 'rooms';
/** A name longer than this is cut in a notification: the room screen shows it whole. */
const MAX_NAME_LENGTH = 80;
const MAX_OTHERS = 12;

let store: UseStore | null = null;

function noticeStore(): UseStore {
  store ??= createStore(DB_NAME, STORE_NAME);
  return store;
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function parseRitual(value: unknown): NoticeRitual | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!isWholeNumberIn(v.weekday, 0, 6) || !isWholeNumberIn(v.hour, 0, 23) || !isWholeNumberIn(v.minute, 0, 59)) return null;
  return { weekday: v.weekday, hour: v.hour, minute: v.minute };
}

/** A stored record, checked field by field: the worker words whatever it reads, so nothing odd gets through. */
export function parseNoticeRecord(value: unknown): NoticeRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.roomId !== 'string' || v.roomId === '') return null;
  const clip = (text: string) => text.trim().slice(0, MAX_NAME_LENGTH);
  const others = Array.isArray(v.others) ? v.others.filter((name): name is string => typeof name === 'string' && name.trim() !== '').slice(0, MAX_OTHERS).map(clip) : [];
  return {
    roomId: v.roomId,
    roomName: typeof v.roomName === 'string' ? clip(v.roomName) : '',
    others,
    partners: v.partners === true,
    groupSize: isWholeNumberIn(v.groupSize, 1, 64) ? v.groupSize : Math.max(2, others.length + 1),
    ritual: parseRitual(v.ritual),
  };
}

export async function readNotice(roomId: string): Promise<NoticeRecord | null> {
  return parseNoticeRecord(await get(roomId, noticeStore()));
}

export async function writeNotice(record: NoticeRecord): Promise<void> {
  await set(record.roomId, record, noticeStore());
}

/** The room was left or deleted on this device: a later push for it gets the generic words. */
export async function forgetNotice(roomId: string): Promise<void> {
  await del(roomId, noticeStore());
}
