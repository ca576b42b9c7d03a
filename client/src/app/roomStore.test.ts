import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { forgetRoom, getRoom, listRooms, saveRoom, subscribeToRooms, updateRoom, type SavedRoom } from './roomStore.ts';

const base: SavedRoom = {
  roomId: 'room-a', secret: 'secret-a', name: 'Evenings', memberId: 'm1', memberName: 'Alex',
  partnerName: null, lastActivityAt: 1, joinedAt: 1, deviceKey: 'dk',
};

describe('your rooms (IndexedDB)', () => {
  it('[APP-19] remembers, updates, lists most recent first and forgets rooms', async () => {
    let notified = 0;
    const unsubscribe = subscribeToRooms(() => notified++);
    await saveRoom(base);
    await saveRoom({ ...base, roomId: 'room-b', name: 'Lunch', lastActivityAt: 5 });
    await updateRoom('room-a', { partnerName: 'Sam', lastActivityAt: 10 });
    expect((await listRooms()).map((room) => [room.roomId, room.partnerName])).toEqual([['room-a', 'Sam'], ['room-b', null]]);
    await updateRoom('missing', { name: 'nothing' });
    expect(await getRoom('missing')).toBeNull();
    await forgetRoom('room-a');
    expect(await getRoom('room-a')).toBeNull();
    expect((await listRooms()).map((room) => room.roomId)).toEqual(['room-b']);
    expect(notified).toBe(4);
    unsubscribe();
    await forgetRoom('room-b');
  });
});
