import { useEffect } from 'react';
import type { RoomView } from '../app/roomView.ts';
import { writeNotice, type NoticeRecord } from '../push/noticeBook.ts';

/** What was last written per room in this page's life: an unchanged room is not written again. */
const written = new Map<string, string>();
/** Joins names into one dependency; no name typed in the app contains it. */
const NAME_SEPARATOR = '\u0000';

/**
 * Keeps the room's entry in the notice book current (SPEC APP-32): its name, the others' names,
 * partners or friends, the ritual. The service worker words notifications from it; it stays on this
 * device.
 */
export function useNoticeBook(roomId: string, view: RoomView, ready: boolean): void {
  const roomName = view.room.name;
  const others = view.others.map((member) => member.name).join(NAME_SEPARATOR);
  const { partners, size } = view.group;
  const weekday = view.ritual?.weekday ?? null;
  const hour = view.ritual?.hour ?? 0;
  const minute = view.ritual?.minute ?? 0;
  useEffect(() => {
    if (!ready) return;
    const record: NoticeRecord = {
      roomId,
      roomName,
      others: others === '' ? [] : others.split(NAME_SEPARATOR),
      partners,
      groupSize: size,
      ritual: weekday === null ? null : { weekday, hour, minute },
    };
    const key = JSON.stringify(record);
    if (written.get(roomId) === key) return;
    written.set(roomId, key);
    void writeNotice(record).catch(() => written.delete(roomId));
  }, [ready, roomId, roomName, others, partners, size, weekday, hour, minute]);
}
