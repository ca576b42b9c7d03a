import WebSocket from 'ws';
import type * as Y from 'yjs';
import { generateRoomSecret, type RoomSecret } from '@seen/shared/crypto';
import type { SocketConstructor } from './EncryptedSocket.ts';
import { createRoomSession, type CreateRoomSessionOptions, type RoomSessionInternals } from './createRoomSession.ts';

/** Opens a Node session against a test relay (Node 20 has no global WebSocket: `ws` stands in). */
export function openTestSession(
  relayUrl: string,
  secret: RoomSecret,
  extra: Partial<CreateRoomSessionOptions> = {},
): RoomSessionInternals {
  return createRoomSession({
    secret,
    relayUrl,
    persistence: 'memory',
    WebSocketImpl: WebSocket as unknown as SocketConstructor,
    maxBackoffMs: 200,
    ...extra,
  });
}

export { generateRoomSecret };

export function answerText(doc: Y.Doc): string {
  return doc.getText('answer').toString();
}
