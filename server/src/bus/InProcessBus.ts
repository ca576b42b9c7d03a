import { randomBytes } from 'node:crypto';
import { createLogger, roomTag, type Logger } from '../log.ts';
import { encodeBusMessage } from './busCodec.ts';
import { createBusReceiver, type BusReceiver } from './createBusReceiver.ts';
import type { BusMessage, RoomBus } from './RoomBus.ts';

export interface InProcessHub {
  /** A new bus connection, as one relay process would hold (its own relayId, rooms and logger). */
  connect(options?: { logger?: Logger }): RoomBus;
  /** Put bytes on a room's channel as they are, as a stray publisher on a shared Redis could. */
  publishRaw(roomId: string, bytes: Uint8Array): void;
}

interface HubMember {
  readonly rooms: Set<string>;
  readonly receiver: BusReceiver;
  closed: boolean;
}

/**
 * Relays in one process (tests, and a single machine that wants no Redis) share this hub. Messages
 * go through the same codec as on Redis and arrive on a later turn of the event loop, in publish
 * order, as a network hop would: a handler never runs inside the publisher's call.
 */
export function createInProcessHub(options: { logger?: Logger } = {}): InProcessHub {
  const hubLogger = options.logger ?? createLogger({ level: 'silent' });
  const members = new Set<HubMember>();

  function deliver(roomId: string, bytes: Uint8Array): void {
    setImmediate(() => {
      for (const member of members) {
        if (member.closed || !member.rooms.has(roomId)) continue;
        // Each receiver decodes its own copy, as each Redis subscriber gets its own buffer.
        member.receiver.receive(bytes.slice(), roomId);
      }
    });
  }

  return {
    publishRaw: deliver,
    connect(connectOptions = {}) {
      const logger = connectOptions.logger ?? hubLogger;
      const relayId = randomBytes(8).toString('hex');
      const rooms = new Set<string>();
      const member: HubMember = {
        rooms,
        receiver: createBusReceiver({ relayId, logger, isJoined: (roomId) => rooms.has(roomId) }),
        closed: false,
      };
      members.add(member);
      const bus: RoomBus = {
        relayId,
        async join(roomId) {
          if (!member.closed) rooms.add(roomId);
        },
        async leave(roomId) {
          rooms.delete(roomId);
        },
        publish(message: BusMessage) {
          if (member.closed) return;
          let bytes: Uint8Array;
          try {
            bytes = encodeBusMessage(relayId, message);
          } catch (error) {
            logger.log('error', 'bus message not encodable', { kind: message.kind, room: roomTag(message.roomId), error: String(error) });
            return;
          }
          deliver(message.roomId, bytes);
        },
        onMessage(handler) {
          member.receiver.addHandler(handler);
        },
        // An in-process hub never disconnects.
        onReconnect() {},
        async close() {
          member.closed = true;
          rooms.clear();
          members.delete(member);
        },
      };
      return bus;
    },
  };
}
