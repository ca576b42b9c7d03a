import { useCallback, useEffect, useRef } from 'react';
import { buildPresence, parsePresence, type Presence } from '@seen/shared/doc';
import type { RoomSession } from '@seen/sync';
import { useStoreInTransitions, type StoreListener } from './useStoreInTransitions.ts';

const EMPTY: readonly Presence[] = [];

/**
 * Other members present right now (one entry per member, even with several devices), excluding
 * the viewer's own devices. Snapshots are cached so a re-render without an awareness change returns
 * the same array. Changes render as transitions (see useStoreInTransitions): presence is never what a
 * person is typing into, and a partner's typing indicator flips often.
 */
export function usePeers(session: RoomSession | null, viewerId: string): readonly Presence[] {
  const cache = useRef<{ key: string; value: readonly Presence[] }>({ key: '', value: EMPTY });
  const subscribe = useCallback(
    (listener: StoreListener) => {
      if (!session) return () => {};
      const onChange = () => listener(false);
      session.awareness.on('change', onChange);
      return () => session.awareness.off('change', onChange);
    },
    [session],
  );
  const getSnapshot = useCallback(() => {
    if (!session) return EMPTY;
    const byMember = new Map<string, Presence>();
    session.awareness.getStates().forEach((state, clientId) => {
      if (clientId === session.awareness.clientID) return;
      const presence = parsePresence(state);
      if (!presence || presence.memberId === viewerId) return;
      const seen = byMember.get(presence.memberId);
      // Prefer the device that is typing or looking at a card.
      if (!seen || (!seen.typing && presence.typing) || (!seen.activeCardId && presence.activeCardId)) byMember.set(presence.memberId, presence);
    });
    const value = [...byMember.values()].sort((a, b) => a.memberId.localeCompare(b.memberId));
    const key = JSON.stringify(value);
    if (key !== cache.current.key) cache.current = { key, value };
    return cache.current.value;
  }, [session, viewerId]);
  return useStoreInTransitions(subscribe, getSnapshot);
}

/** Publishes this device's presence; only who and where, never text (APP-15). */
export function usePublishPresence(session: RoomSession | null, presence: Presence | null): void {
  const memberId = presence?.memberId;
  const name = presence?.name;
  const activeCardId = presence?.activeCardId ?? null;
  const typing = presence?.typing ?? false;
  useEffect(() => {
    if (!session || !memberId || name === undefined) return;
    session.awareness.setLocalState(buildPresence({ memberId, name, activeCardId, typing }));
  }, [session, memberId, name, activeCardId, typing]);
  useEffect(() => {
    if (!session) return;
    return () => {
      // Leaving the room screen: others should stop seeing us as present right away.
      session.awareness.setLocalState(null);
    };
  }, [session]);
}
