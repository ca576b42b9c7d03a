import { useMemo } from 'react';
import { readRoomRecord, type RoomRecord } from '@seen/shared/doc';
import type { RoomSession } from '@seen/sync';
import { existingVault } from '../app/answerRelease.ts';
import { useDocVersion } from './useDocVersion.ts';

/** The whole room as the viewer may see it (veils kept), for history and export. */
export function useRoomRecord(session: RoomSession, viewerId: string): RoomRecord {
  const version = useDocVersion(session.doc);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version is the doc's change counter
  return useMemo(() => readRoomRecord(session.doc, viewerId, existingVault(session)), [session, viewerId, version]);
}
