// A stand-in RoomSession for development before the relay session exists: the document lives in
// memory and is mirrored between tabs of the same browser over a BroadcastChannel. It never talks
// to a network and is not used once createRoomSession is wired (see openRoom.ts).
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { RoomSession, SessionStatus } from '../sync/RoomSession.ts';

const FROM_CHANNEL = Symbol('local-session-channel');

export function createLocalSession(roomId: string): RoomSession {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  const listeners = new Set<() => void>();
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`seen-local-${roomId}`);
  let status: SessionStatus = {
    phase: 'synced',
    refusal: null,
    pendingAcks: 0,
    lastSavedAt: null,
    partnerLastActiveAt: null,
    sealed: false,
    deviceCount: 1,
    warnings: [],
    quotaExceeded: false,
  };
  const setStatus = (patch: Partial<SessionStatus>) => {
    status = { ...status, ...patch };
    for (const listener of listeners) listener();
  };

  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === FROM_CHANNEL) return;
    channel?.postMessage({ kind: 'update', update });
    setStatus({ lastSavedAt: Date.now() });
  });
  awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === FROM_CHANNEL) return;
    const changed = [...added, ...updated, ...removed];
    channel?.postMessage({ kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(awareness, changed) });
  });
  channel?.addEventListener('message', (event: MessageEvent<{ kind: string; update?: Uint8Array }>) => {
    const { kind, update } = event.data;
    if (kind === 'hello') {
      channel.postMessage({ kind: 'update', update: Y.encodeStateAsUpdate(doc) });
      channel.postMessage({ kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]) });
      return;
    }
    if (!(update instanceof Uint8Array)) return;
    if (kind === 'update') {
      Y.applyUpdate(doc, update, FROM_CHANNEL);
      setStatus({ partnerLastActiveAt: Date.now() });
    } else if (kind === 'awareness') {
      awarenessProtocol.applyAwarenessUpdate(awareness, update, FROM_CHANNEL);
    }
  });
  channel?.postMessage({ kind: 'hello' });

  return {
    roomId,
    doc,
    awareness,
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenLocalLoaded: () => Promise.resolve(),
    whenSynced: () => Promise.resolve(),
    seal: async () => setStatus({ sealed: true }),
    deleteRoom: async () => setStatus({ phase: 'refused', refusal: 'deleted' }),
    destroy() {
      awarenessProtocol.removeAwarenessStates(awareness, [doc.clientID], 'destroy');
      channel?.close();
      awareness.destroy();
      doc.destroy();
      listeners.clear();
    },
  };
}
