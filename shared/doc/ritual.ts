import type * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readIntInRange, readString } from './parse.ts';
import { RootKey, rootMap } from './schema.ts';

/**
 * The room's weekly ritual time (APP-31): a weekday and a wall-clock time, read on each device in
 * its own local time, as a calendar's "floating" time is (19:00 on Sunday wherever you are).
 */
export interface RitualTime {
  /** 0 = Sunday … 6 = Saturday, as `Date.prototype.getDay`. */
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
  /** When it was set: a ritual never draws for a week that began before it existed. */
  readonly setAt: number;
  readonly setBy: string | null;
}

const RITUAL_KEY = 'ritual';

export function readRitual(doc: Y.Doc): RitualTime | null {
  const value = rootMap(doc, RootKey.Room).get(RITUAL_KEY);
  if (!isRecord(value)) return null;
  const weekday = readIntInRange(value.weekday, 0, 6);
  const hour = readIntInRange(value.hour, 0, 23);
  const minute = readIntInRange(value.minute, 0, 59);
  const setAt = readFiniteNumber(value.setAt);
  if (weekday === null || hour === null || minute === null || setAt === null) return null;
  return { weekday, hour, minute, setAt, setBy: readString(value.setBy, 200) };
}

/** Sets the ritual time, or clears it with `null` (no set time: draw by hand). */
export function setRitual(
  doc: Y.Doc,
  ritual: { readonly weekday: number; readonly hour: number; readonly minute: number; readonly memberId: string; readonly now: number } | null,
): void {
  doc.transact(() => {
    const room = rootMap(doc, RootKey.Room);
    if (!ritual) {
      room.delete(RITUAL_KEY);
      return;
    }
    const { weekday, hour, minute } = ritual;
    if (![weekday, hour, minute].every(Number.isInteger) || weekday < 0 || weekday > 6 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      throw new RangeError('setRitual: the weekday must be 0–6, the hour 0–23 and the minute 0–59.');
    }
    room.set(RITUAL_KEY, { weekday, hour, minute, setAt: ritual.now, setBy: ritual.memberId });
  }, localOrigin('settings'));
}
