import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger, roomTag, type Logger } from '../log.ts';
import { encodeBusMessage } from './busCodec.ts';
import { createBusReceiver } from './createBusReceiver.ts';
import type { BusMessage, RoomBus } from './RoomBus.ts';

/** Publishes waiting for Redis (down, or too slow to answer) may hold this many bytes; beyond it they are dropped. */
export const MAX_PENDING_PUBLISH_BYTES = 8 * 1024 * 1024;
/** Each room is one pub/sub channel: a relay hears only the rooms it serves. */
export const ROOM_CHANNEL_PREFIX = 'seen:room:';
/** Reconnect quickly after a Redis restart: every second of outage is a second of repair work. */
const RECONNECT_FIRST_DELAY_MS = 50;
const RECONNECT_MAX_DELAY_MS = 1000;
/** A room load waits at most this long for its subscription; past it, the reconnect repair covers the room. */
const SUBSCRIBE_WAIT_MS = 2000;
/** close() asks Redis to QUIT politely for this long, then drops the connections. */
const QUIT_WAIT_MS = 1000;
/** SUBSCRIBE takes many channels at once; keep each command a reasonable size after a reconnect. */
const RESUBSCRIBE_BATCH = 500;

export interface RedisBusOptions {
  readonly url: string;
  readonly logger?: Logger;
  readonly maxPendingPublishBytes?: number;
}

export interface RedisBusStats {
  /** Bytes of publishes not yet answered by Redis (queued while it is down, or sent and unanswered). */
  readonly pendingPublishBytes: number;
  /** Publishes dropped because the pending bytes would have passed the cap. */
  readonly droppedPublishes: number;
}

export interface RedisRoomBus extends RoomBus {
  stats(): RedisBusStats;
}

export function roomChannel(roomId: string): string {
  return ROOM_CHANNEL_PREFIX + roomId;
}

/**
 * The bus between relay processes over Redis pub/sub. Pub/sub may lose messages (Redis restarts,
 * a slow subscriber): that is tolerated by design, because every relay repairs from the database
 * (a gap in relaySeq, a periodic head check, and a full re-read on `onReconnect`). So this bus
 * never blocks or throws on publish, bounds what it holds while Redis is away, and reports a
 * reconnect only once the rooms are subscribed again, so nothing published after the re-read is
 * missed.
 *
 * Returned at once (the relay starts while Redis connects); joins wait for their subscription.
 */
export function createRedisBus(options: RedisBusOptions): RedisRoomBus {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const maxPendingBytes = options.maxPendingPublishBytes ?? MAX_PENDING_PUBLISH_BYTES;
  const relayId = randomBytes(8).toString('hex');
  const joined = new Set<string>();
  const receiver = createBusReceiver({ relayId, logger, isJoined: (roomId) => joined.has(roomId) });
  const reconnectHandlers: Array<() => void> = [];
  let closed = false;

  const clientOptions = {
    // Both clients manage what happens across a reconnect themselves (below): ioredis must not
    // queue without bound, nor replay commands out of order with ours.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(RECONNECT_FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1), RECONNECT_MAX_DELAY_MS),
  };
  const publisher = new Redis(options.url, { ...clientOptions, connectionName: `seen-relay-${relayId}-pub` });
  const subscriber = new Redis(options.url, { ...clientOptions, connectionName: `seen-relay-${relayId}-sub` });
  watchConnection(publisher, 'publisher');
  watchConnection(subscriber, 'subscriber');

  /** An outage is logged when it starts and when it ends, not on every failed reconnect attempt. */
  function watchConnection(client: Redis, role: string): void {
    let down = false;
    client.on('error', (error: unknown) => {
      if (down || closed) return;
      down = true;
      logger.log('warn', 'redis bus connection lost', { role, error: String(error) });
    });
    client.on('close', () => {
      if (down || closed) return;
      down = true;
      logger.log('warn', 'redis bus connection lost', { role });
    });
    client.on('ready', () => {
      if (down) logger.log('info', 'redis bus connection back', { role });
      down = false;
    });
  }

  // ---- publishing ---------------------------------------------------------------------------

  const queued: Array<{ channel: string; bytes: Buffer }> = [];
  let queuedBytes = 0;
  let inFlightBytes = 0;
  let droppedPublishes = 0;
  let dropping = false;

  function send(channel: string, bytes: Buffer): void {
    inFlightBytes += bytes.length;
    publisher.publish(channel, bytes).then(
      () => {
        inFlightBytes -= bytes.length;
      },
      (error: unknown) => {
        inFlightBytes -= bytes.length;
        if (!closed) logger.log('debug', 'redis bus publish lost', { error: String(error) });
      },
    );
  }

  publisher.on('ready', () => {
    // Whatever waited for Redis goes first, in publish order.
    while (queued.length > 0 && publisher.status === 'ready') {
      const next = queued.shift()!;
      queuedBytes -= next.bytes.length;
      send(next.channel, next.bytes);
    }
  });

  function publish(message: BusMessage): void {
    if (closed) return;
    let bytes: Buffer;
    try {
      const encoded = encodeBusMessage(relayId, message);
      bytes = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    } catch (error) {
      logger.log('error', 'bus message not encodable', { kind: message.kind, room: roomTag(message.roomId), error: String(error) });
      return;
    }
    // Sent-but-unanswered counts too: a stalled Redis (SIGSTOP, a full network) keeps the
    // connection "ready" while the socket's buffer grows.
    if (queuedBytes + inFlightBytes + bytes.length > maxPendingBytes) {
      droppedPublishes++;
      if (!dropping) {
        dropping = true;
        logger.log('warn', 'redis bus publishes dropped: Redis is not keeping up; relays will repair from the database', { maxPendingBytes });
      }
      return;
    }
    dropping = false;
    const channel = roomChannel(message.roomId);
    if (publisher.status === 'ready' && queued.length === 0) send(channel, bytes);
    else {
      queued.push({ channel, bytes });
      queuedBytes += bytes.length;
    }
  }

  // ---- subscribing --------------------------------------------------------------------------

  let everSubscribed = false;
  /** A room joined while it could not be subscribed: the next (re)subscription must trigger a re-read. */
  let joinedUnheard = false;
  /** Joins waiting for the connection under way: settled when it has subscribed, or failed. */
  let subscribeWaiters: Array<{ resolve: () => void; reject: () => void }> = [];

  subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
    const name = channel.toString();
    const roomId = name.startsWith(ROOM_CHANNEL_PREFIX) ? name.slice(ROOM_CHANNEL_PREFIX.length) : undefined;
    if (roomId === undefined) return;
    receiver.receive(message, roomId);
  });

  subscriber.on('ready', () => {
    void resubscribe();
  });
  // The attempt failed: joins waiting for it go ahead without their subscription.
  subscriber.on('close', () => {
    const waiters = subscribeWaiters;
    subscribeWaiters = [];
    for (const waiter of waiters) waiter.reject();
  });

  async function resubscribe(): Promise<void> {
    const channels = [...joined].map(roomChannel);
    try {
      for (let start = 0; start < channels.length; start += RESUBSCRIBE_BATCH) {
        await subscriber.subscribe(...channels.slice(start, start + RESUBSCRIBE_BATCH));
      }
    } catch (error) {
      // The connection dropped again: the next 'ready' starts over.
      if (!closed) logger.log('warn', 'redis bus resubscribe failed', { rooms: channels.length, error: String(error) });
      return;
    }
    if (closed) return;
    const waiters = subscribeWaiters;
    subscribeWaiters = [];
    for (const waiter of waiters) waiter.resolve();
    if (everSubscribed || joinedUnheard) fireReconnect();
    everSubscribed = true;
    joinedUnheard = false;
  }

  function fireReconnect(): void {
    for (const handler of reconnectHandlers) {
      try {
        handler();
      } catch (error) {
        logger.log('error', 'bus reconnect handler failed', { error: String(error) });
      }
    }
  }

  /** True once `subscribed` resolves; false if it fails or takes longer than the wait. */
  function waitBounded(subscribed: Promise<unknown>): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), SUBSCRIBE_WAIT_MS);
      timer.unref();
      subscribed.then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        () => {
          clearTimeout(timer);
          resolve(false);
        },
      );
    });
  }

  async function join(roomId: string): Promise<void> {
    if (closed || joined.has(roomId)) return;
    joined.add(roomId);
    const channel = roomChannel(roomId);
    let subscribed: Promise<unknown>;
    if (subscriber.status === 'ready') {
      subscribed = subscriber.subscribe(channel);
      subscribed.catch((error: unknown) => {
        // The connection went away mid-command: the reconnect subscribes the room and re-reads it.
        if (!closed) logger.log('debug', 'redis bus subscribe failed', { room: roomTag(roomId), error: String(error) });
      });
    } else if (subscriber.status === 'reconnecting' || subscriber.status === 'close' || subscriber.status === 'end') {
      // Redis is away (the last attempt failed): rooms must keep loading from the database meanwhile.
      joinedUnheard = true;
      return;
    } else {
      // A connection attempt is under way (start-up, or a reconnect): worth a bounded wait.
      subscribed = new Promise<void>((resolve, reject) => subscribeWaiters.push({ resolve, reject }));
    }
    if (await waitBounded(subscribed)) return;
    // The room loads without its subscription (Redis is away or stalled): once subscribed, the
    // relay must re-read it, as after any reconnect.
    joinedUnheard = true;
    void subscribed.then(
      () => {
        if (closed || !joinedUnheard) return;
        joinedUnheard = false;
        fireReconnect();
      },
      () => undefined,
    );
  }

  async function leave(roomId: string): Promise<void> {
    if (!joined.delete(roomId) || closed || subscriber.status !== 'ready') return;
    // A late message for the room is ignored anyway (it is no longer joined); the wait is only
    // so a caller that awaits leave() knows Redis stopped sending.
    await waitBounded(subscriber.unsubscribe(roomChannel(roomId)));
  }

  async function closeClient(client: Redis): Promise<void> {
    if (client.status === 'ready') {
      // A stalled Redis never answers QUIT: close() must not hang on it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([client.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, QUIT_WAIT_MS)))]);
      clearTimeout(timer);
    }
    client.disconnect();
  }

  return {
    relayId,
    join,
    leave,
    publish,
    onMessage(handler) {
      receiver.addHandler(handler);
    },
    onReconnect(handler) {
      reconnectHandlers.push(handler);
    },
    stats() {
      return { pendingPublishBytes: queuedBytes + inFlightBytes, droppedPublishes };
    },
    async close() {
      if (closed) return;
      closed = true;
      joined.clear();
      queued.length = 0;
      queuedBytes = 0;
      for (const waiter of subscribeWaiters) waiter.resolve();
      subscribeWaiters = [];
      await Promise.all([closeClient(publisher), closeClient(subscriber)]);
    },
  };
}
