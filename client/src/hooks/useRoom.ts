import { startTransition, useEffect, useMemo, useState } from 'react';
import { migrateDoc, type AnswerReader } from '@seen/shared/doc';
import { createRoomActions, type AnswerWriter, type RoomActions, type SharedMoment } from '../app/roomActions.ts';
import { buildRoomView, type RoomView } from '../app/roomView.ts';
import type { RoomSession } from '@seen/sync';
import { useDecksLoaded } from './useDecksLoaded.ts';
import { useDocVersion } from './useDocVersion.ts';

/** The room as plain values, recomputed only when the document changes. */
/** `readerVersion` changes when the reader learned something the document does not hold (escrow deposits). */
export function useRoomView(session: RoomSession, viewerId: string, reader?: AnswerReader, readerVersion = 0): RoomView {
  const version = useDocVersion(session.doc);
  const decksLoaded = useDecksLoaded();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` and `readerVersion` are change counters: they are the dependencies that matter
  return useMemo(() => buildRoomView(session.doc, viewerId, reader), [session, viewerId, reader, version, readerVersion, decksLoaded]);
}

export function useRoomActions(session: RoomSession, memberId: string, onShared?: (moment: SharedMoment) => void, answers?: AnswerWriter): RoomActions {
  return useMemo(() => createRoomActions(session.doc, memberId, Date.now, onShared, answers), [session, memberId, onShared, answers]);
}

/** True once the device's stored copy is loaded (and migrated); before that the room may look empty. */
export function useLocalLoaded(session: RoomSession | null): boolean {
  const [loaded, setLoaded] = useState<RoomSession | null>(null);
  useEffect(() => {
    if (!session) return;
    let cancelled = false;
    void session.whenLocalLoaded().then(() => {
      if (cancelled) return;
      migrateDoc(session.doc);
      // The room's first full render: a transition, sliced so the phone stays responsive.
      startTransition(() => setLoaded(session));
    });
    return () => {
      cancelled = true;
    };
  }, [session]);
  return session !== null && loaded === session;
}
