import { useEffect } from 'react';
import type { RoomView } from '../app/roomView.ts';
import { writeNotice, type NoticeRecord } from '../push/noticeBook.ts';

/** What was last written per room in this page's life: an unchanged room is not written again. */
const written = new Map<string, string>();

/**
 * Keeps the room's entry in the notice book current (SPEC APP-32): its name, the others' names,
 * partners or friends, the ritual. The service worker words notifications from it; it stays on this
 * device.
 */
export function useNoticeBook(roomId: string, view: RoomView, ready: boolean): void {
  const others = JSON.stringify(view.others.map((member) => member.name));
  const ritual = view.ritual ? JSON.stringify({ weekday: view.ritual.weekday, hour: view.ritual.hour, minute: view.ritual.minute }) : 'null';
  const { name } = view.room;
  const { partners, size } = view.group;
  useEffect(() => {
    if (!ready) return;
    const record: NoticeRecord = { roomId, roomName: name, others: JSON.parse(others) as string[], partners, groupSize: size, ritual: JSON.parse(ritual) as NoticeRecord['ritual'] };
    const key = JSON.stringify(record);
    if (written.get(roomId) === key) return;
    written.set(roomId, key);
    void writeNotice(record).catch(() => written.delete(roomId));
  }, [ready, roomId, name, others, partners, size, ritual]);
}
