import WebSocket from 'ws';
import { FRAME, RELAY_PATH, parseRelayFrame } from '@seen/shared/protocol';
import { isSeenKind, type ServerKind } from '../lib/serverProcess.ts';
import { ENV_SEQ_OFFSET, buildAuthFrame, type BenchIdentity } from './seenKeys.ts';
import { Y_MESSAGE, Y_SYNC, hocusAuthMessage, readVarUint, skipVarString, updateClientId, type Cursor } from './yFrames.ts';

/** What a bench client reports; every callback is on the hot path, so they carry numbers only. */
export interface ClientSink {
  /**
   * A stored update arrived (live). Seen: its seq and relaySeq, and the ENV frame (its session id
   * at ENV_SESSION_OFFSET: a relay may send a client its own update); -1 elsewhere.
   */
  update(seq: number, relaySeq: number, frame?: Buffer): void;
  presence(): void;
  /** The server confirmed one of our updates (Seen ACK, Hocuspocus SyncStatus). */
  ack(seq: number, relaySeq: number): void;
  /** Seen only: an ENV during catch-up (before BACKLOG_END). */
  backlog?(relaySeq: number, envelope: Uint8Array): void;
  /** Yjs servers: the reply to our SyncStep1 (the whole document). */
  syncStep2?(update: Uint8Array): void;
  closed?(code: number): void;
}

export interface OpenClientOptions {
  readonly kind: ServerKind;
  readonly port: number;
  /** Room name for floor / yws / hocus; Seen rooms are named by their keys. */
  readonly roomName: string;
  readonly identity?: BenchIdentity;
  /** Yjs servers echo our own updates and awareness: the clientID tells them apart. */
  readonly ownClientId?: number;
  readonly sink: ClientSink;
  readonly fromRelaySeq?: number;
  /** Source address on the loopback (127.x.y.z), so thousands of clients look like many users. */
  readonly localAddress?: string;
}

export interface BenchClient {
  readonly ws: WebSocket;
  send(frame: Uint8Array): void;
  close(): void;
  terminate(): void;
  /** Seen: the upTo of BACKLOG_END; others 0. */
  readonly backlogUpTo: number;
}

/**
 * A loopback source address for client `index` of `count`. The relay limits connections per
 * address (as it should); a load test of many users must not look like one abusive address. Up to
 * ~32 clients share an address, and neighbours in connect order get different addresses, so a
 * batch of concurrent handshakes never piles onto one.
 */
export function loopbackAddressFor(index: number, count: number): string {
  const addresses = Math.max(16, Math.ceil(count / 32));
  const group = index % addresses;
  return `127.10.${(Math.floor(group / 254) % 254) + 1}.${(group % 254) + 1}`;
}

export function clientUrl(kind: ServerKind, port: number, roomName: string): string {
  if (isSeenKind(kind)) return `ws://127.0.0.1:${port}${RELAY_PATH}`;
  if (kind === 'hocus') return `ws://127.0.0.1:${port}/`;
  return `ws://127.0.0.1:${port}/${roomName}`;
}

/** Opens one client and resolves when it may send (Seen: after BACKLOG_END; Hocuspocus: after auth). */
export function openClient(options: OpenClientOptions): Promise<BenchClient> {
  const { kind, sink } = options;
  const url = clientUrl(kind, options.port, options.roomName);
  const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: options.localAddress });
  ws.binaryType = 'nodebuffer';
  const cursor: Cursor = { pos: 0 };
  const ownClient = options.ownClientId ?? -1;
  let backlogUpTo = 0;
  let live = false;

  return new Promise<BenchClient>((resolveOpen, rejectOpen) => {
    const client: BenchClient = {
      ws,
      send: (frame) => ws.send(frame),
      close: () => ws.close(),
      terminate: () => ws.terminate(),
      get backlogUpTo() {
        return backlogUpTo;
      },
    };
    const becomeLive = (): void => {
      if (live) return;
      live = true;
      resolveOpen(client);
    };
    ws.on('error', (error) => {
      if (!live) rejectOpen(error);
    });
    ws.on('close', (code) => {
      if (!live) rejectOpen(new Error(`closed ${code} before ready (${kind})`));
      sink.closed?.(code);
    });

    if (isSeenKind(kind)) {
      const identity = options.identity!;
      const origin = `ws://127.0.0.1:${options.port}`;
      ws.on('message', (data: Buffer) => {
        switch (data[0]) {
          case FRAME.ENV:
            // relaySeq is a u64 below 2^48: its low six bytes are enough and avoid a BigInt.
            if (live) sink.update(data.readUInt32BE(ENV_SEQ_OFFSET), data.readUIntBE(3, 6), data);
            else sink.backlog?.(data.readUIntBE(3, 6), data.subarray(9));
            return;
          case FRAME.EPH:
            sink.presence();
            return;
          case FRAME.ACK:
            sink.ack(data.readUInt32BE(17), data.readUIntBE(23, 6));
            return;
          case FRAME.HELLO: {
            const parsed = parseRelayFrame(data);
            if (!parsed.ok || parsed.value.kind !== FRAME.HELLO) return;
            ws.send(buildAuthFrame(identity, origin, parsed.value.challenge, options.fromRelaySeq ?? 0));
            return;
          }
          case FRAME.BACKLOG_END:
            backlogUpTo = data.readUIntBE(3, 6);
            becomeLive();
            return;
          default:
            return; // READY, HEARTBEAT, ROOM_STATE, ERROR (counted by the relay's own logs)
        }
      });
      return;
    }

    if (kind === 'floor') {
      ws.on('open', becomeLive);
      ws.on('message', (data: Buffer) => {
        if (data[0] === FRAME.PUT) sink.update(-1, -1);
        else sink.presence();
      });
      return;
    }

    const hocus = kind === 'hocus';
    if (hocus) ws.on('open', () => ws.send(hocusAuthMessage(options.roomName)));
    else ws.on('open', becomeLive);
    ws.on('message', (data: Buffer) => {
      cursor.pos = 0;
      if (hocus) skipVarString(data, cursor);
      const type = readVarUint(data, cursor);
      if (type === Y_MESSAGE.SYNC) {
        const step = readVarUint(data, cursor);
        if (step === Y_SYNC.UPDATE) {
          readVarUint(data, cursor); // update length
          if (updateClientId(data, cursor) !== ownClient) sink.update(-1, -1);
        } else if (step === Y_SYNC.STEP2 && sink.syncStep2 !== undefined) {
          const length = readVarUint(data, cursor);
          sink.syncStep2(data.subarray(cursor.pos, cursor.pos + length));
        }
      } else if (type === Y_MESSAGE.AWARENESS) {
        readVarUint(data, cursor); // update length
        readVarUint(data, cursor); // entries
        if (readVarUint(data, cursor) !== ownClient) sink.presence();
      } else if (type === Y_MESSAGE.SYNC_STATUS) {
        sink.ack(-1, -1);
      } else if (type === Y_MESSAGE.AUTH && hocus) {
        becomeLive(); // Authenticated
      }
    });
  });
}
