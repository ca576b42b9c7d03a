import { roomTag, type Logger } from '../log.ts';
import { BusCodecError, decodeBusMessage } from './busCodec.ts';
import type { BusMessage } from './RoomBus.ts';

export interface BusReceiver {
  addHandler(handler: (message: BusMessage) => void): void;
  /**
   * Decode bytes off the bus and hand them to the handlers, unless they are garbage, ours, for a
   * room we left, or (when the transport knows it) about another room than their channel's.
   */
  receive(bytes: Uint8Array, channelRoomId?: string): void;
}

/**
 * What both buses do with a message that arrives: a relay must survive anything on the wire and
 * anything its own handlers throw, so both are logged here and never reach the transport's events.
 */
export function createBusReceiver(options: { relayId: string; logger: Logger; isJoined: (roomId: string) => boolean }): BusReceiver {
  const { relayId, logger, isJoined } = options;
  const handlers: Array<(message: BusMessage) => void> = [];
  return {
    addHandler(handler) {
      handlers.push(handler);
    },
    receive(bytes, channelRoomId) {
      let decoded;
      try {
        decoded = decodeBusMessage(bytes);
      } catch (error) {
        const reason = error instanceof BusCodecError ? error.message : String(error);
        logger.log('warn', 'bus message dropped', { reason, bytes: bytes.length });
        return;
      }
      if (channelRoomId !== undefined && decoded.message.roomId !== channelRoomId) {
        logger.log('warn', 'bus message dropped', { reason: 'The message names another room than its channel.', room: roomTag(channelRoomId) });
        return;
      }
      // Pub/sub echoes to the publisher's own subscriber; this relay already handled its message.
      if (decoded.relayId === relayId) return;
      // A message can still be in flight after UNSUBSCRIBE: the room is no longer ours to feed.
      if (!isJoined(decoded.message.roomId)) return;
      for (const handler of handlers) {
        try {
          handler(decoded.message);
        } catch (error) {
          logger.log('error', 'bus message handler failed', { kind: decoded.message.kind, room: roomTag(decoded.message.roomId), error: String(error) });
        }
      }
    },
  };
}
