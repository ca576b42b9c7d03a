import { useEffect, useState } from 'react';
import { getRoom, listRooms, subscribeToRooms, type SavedRoom } from '../app/roomStore.ts';

export type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'ready'; readonly value: T } | { readonly state: 'error'; readonly message: string };

const STORAGE_ERROR = 'This browser would not open its local storage, so your rooms cannot be listed. Private windows sometimes block it; try a normal window.';

export function useSavedRooms(): Loadable<SavedRoom[]> {
  const [rooms, setRooms] = useState<Loadable<SavedRoom[]>>({ state: 'loading' });
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      listRooms().then(
        (value) => !cancelled && setRooms({ state: 'ready', value }),
        () => !cancelled && setRooms({ state: 'error', message: STORAGE_ERROR }),
      );
    void load();
    const unsubscribe = subscribeToRooms(() => void load());
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, []);
  return rooms;
}

export function useSavedRoom(roomId: string): Loadable<SavedRoom | null> {
  const [room, setRoom] = useState<{ roomId: string; value: Loadable<SavedRoom | null> }>({ roomId, value: { state: 'loading' } });
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      getRoom(roomId).then(
        (value) => !cancelled && setRoom({ roomId, value: { state: 'ready', value } }),
        () => !cancelled && setRoom({ roomId, value: { state: 'error', message: STORAGE_ERROR } }),
      );
    void load();
    const unsubscribe = subscribeToRooms(() => void load());
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [roomId]);
  return room.roomId === roomId ? room.value : { state: 'loading' };
}
