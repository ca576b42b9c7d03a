import { randomBytes, sign } from 'node:crypto';
import WebSocket from 'ws';
import {
  ENVELOPE_TYPE,
  FRAME,
  LABEL,
  PROTOCOL_VERSION,
  RELAY_ERROR,
  RELAY_PATH,
  SIZE,
  buildAuthTranscript,
  encodeAuthFrame,
  encodeEnvelopeHeader,
  encodePutFrame,
  normalizeRelayOrigin,
  parseRelayFrame,
} from '@seen/shared/protocol';
import { createFastDevice, type FastDevice, type FastRoom } from './fastClient.ts';

/**
 * A client that behaves like the app's outbox across relays: one session and device for its whole
 * life, every write kept until ACKed and resent under the same (session, seq) and bytes after each
 * reconnect, to whichever relay it is pointed at. It records what the cluster promised (ACKs) and
 * what it delivered (ENV order per connection), for the cluster tests to check against the log.
 */
export interface ClusterClient {
  readonly sessionId: Uint8Array;
  /** seq → relaySeq of every ACK (a resend's ACK must repeat the first one). */
  readonly acked: Map<number, number>;
  /** Every relaySeq received in an ENV, over all connections. */
  readonly received: Set<number>;
  /** An ENV that arrived out of relaySeq order on one connection (must stay empty). */
  readonly disorders: string[];
  /** ACKs for the same seq that named different relaySeqs (must stay empty). */
  readonly ackConflicts: string[];
  /** The highest relaySeq applied (ENV or ACK): the cursor a reconnect starts from. */
  readonly cursor: number;
  readonly connected: boolean;
  /** How many of the room's envelopes this client holds: its own (ACKed) and the others' (ENV). */
  held(): number;
  /** Writes sent and not yet ACKed. */
  readonly unacked: number;
  /** Connects (or reconnects) to a relay; resolves at BACKLOG_END, after resending the outbox. */
  connect(wsUrl: string): Promise<void>;
  /** Writes one update (sent now if connected, else at the next connect). */
  write(bytes?: number): void;
  /** Cuts the socket without a close handshake (as a dying relay or network would). */
  drop(): void;
  /** ROOM_STATE frames received (seal, device count). */
  readonly roomStates: { sealed: boolean; deviceCount: number }[];
  /** Presence envelopes received (EPH). */
  readonly presences: Uint8Array[];
  /** PUSH_STATUS answers received, in order. */
  readonly pushStatuses: { answers: number; status: number }[];
  /** The close code of the last connection, once it closed. */
  readonly lastCloseCode: number | null;
  /** Sends a frame as is (SEAL, DELETE_ROOM, EPHEMERAL…). */
  send(frame: Uint8Array): void;
  /** A presence envelope of this session (for an EPHEMERAL frame). */
  buildPresence(): Uint8Array;
  /** Resolves when the socket closes (at once if it is closed). */
  readonly closedNow: () => Promise<void>;
}

/** `admissionTicket`: presented in every AUTH (SEALED-21), as a new device of a sealed room does. */
export function createClusterClient(room: FastRoom, device: FastDevice = createFastDevice(), options: { admissionTicket?: Uint8Array } = {}): ClusterClient {
  const sessionId = new Uint8Array(randomBytes(SIZE.SESSION_ID));
  const der = device.publicKey.export({ format: 'der', type: 'spki' });
  const devicePublicKey = new Uint8Array(der.subarray(der.length - SIZE.PUBLIC_KEY));
  const outbox = new Map<number, Uint8Array>();
  let nextSeq = 0;
  let socket: WebSocket | null = null;
  let live = false;
  let closed: Promise<void> = Promise.resolve();

  const buildEnvelope = (seq: number, bytes: number): Uint8Array => {
    const header = encodeEnvelopeHeader({ type: ENVELOPE_TYPE.UPDATE, roomId: room.roomId, sessionId, seq, epoch: 0, coversRelaySeq: 0 });
    const envelope = new Uint8Array(header.length + SIZE.NONCE + SIZE.BOX_OVERHEAD + bytes);
    envelope.set(header);
    envelope.set(randomBytes(SIZE.NONCE + SIZE.BOX_OVERHEAD + bytes), header.length);
    return envelope;
  };

  const client: ClusterClient & { cursor: number; connected: boolean; lastCloseCode: number | null } = {
    sessionId,
    acked: new Map(),
    received: new Set(),
    disorders: [],
    ackConflicts: [],
    cursor: 0,
    connected: false,
    roomStates: [],
    pushStatuses: [],
    presences: [],
    lastCloseCode: null,
    send(frame) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
    },
    buildPresence() {
      const header = encodeEnvelopeHeader({ type: ENVELOPE_TYPE.PRESENCE, roomId: room.roomId, sessionId, seq: 0, epoch: 0, coversRelaySeq: 0 });
      const envelope = new Uint8Array(header.length + SIZE.NONCE + SIZE.BOX_OVERHEAD + 24);
      envelope.set(header);
      envelope.set(randomBytes(SIZE.NONCE + SIZE.BOX_OVERHEAD + 24), header.length);
      return envelope;
    },
    held() {
      // A reconnect's backlog may repeat one of its own writes as an ENV: count relaySeqs once.
      const relaySeqs = new Set(client.received);
      for (const relaySeq of client.acked.values()) relaySeqs.add(relaySeq);
      return relaySeqs.size;
    },
    get unacked() {
      return outbox.size;
    },
    connect(wsUrl) {
      client.drop();
      const ws = new WebSocket(wsUrl + RELAY_PATH, { perMessageDeflate: false });
      socket = ws;
      live = false;
      let lastEnv = 0;
      closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
      ws.on('error', () => undefined);
      return new Promise<void>((resolve, reject) => {
        ws.on('close', (code) => {
          client.lastCloseCode = code;
          if (socket === ws) {
            client.connected = false;
            live = false;
          }
          reject(new Error(`closed with ${code} before BACKLOG_END`));
        });
        ws.on('message', (data: Buffer) => {
          const parsed = parseRelayFrame(new Uint8Array(data));
          if (!parsed.ok) return;
          const frame = parsed.value;
          switch (frame.kind) {
            case FRAME.HELLO: {
              if (frame.version !== PROTOCOL_VERSION) return;
              const common = { relayOrigin: normalizeRelayOrigin(wsUrl), roomId: room.roomId, challenge: frame.challenge };
              const roomSignature = sign(null, buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: devicePublicKey }), room.authPrivateKey);
              const deviceSignature = sign(null, buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: sessionId }), device.privateKey);
              ws.send(
                encodeAuthFrame({
                  roomId: room.roomId,
                  authPublicKey: room.authPublicKey,
                  devicePublicKey,
                  sessionId,
                  fromRelaySeq: client.cursor,
                  roomSignature: new Uint8Array(roomSignature),
                  deviceSignature: new Uint8Array(deviceSignature),
                  admissionTicket: options.admissionTicket ?? null,
                }),
              );
              return;
            }
            case FRAME.ENV:
              if (frame.relaySeq <= lastEnv) client.disorders.push(`ENV ${frame.relaySeq} after ${lastEnv}`);
              lastEnv = frame.relaySeq;
              client.received.add(frame.relaySeq);
              client.cursor = Math.max(client.cursor, frame.relaySeq);
              return;
            case FRAME.ACK: {
              const earlier = client.acked.get(frame.seq);
              if (earlier !== undefined && earlier !== frame.relaySeq) client.ackConflicts.push(`seq ${frame.seq}: ${earlier} then ${frame.relaySeq}`);
              client.acked.set(frame.seq, frame.relaySeq);
              outbox.delete(frame.seq);
              client.cursor = Math.max(client.cursor, frame.relaySeq);
              return;
            }
            case FRAME.ERROR:
              // As the app does: the relay could not commit, so reconnect and resend (same ids).
              if (frame.code === RELAY_ERROR.STORE_FAILED && socket === ws) client.drop();
              return;
            case FRAME.ROOM_STATE:
              client.roomStates.push({ sealed: frame.sealed, deviceCount: frame.deviceCount });
              return;
            case FRAME.EPH:
              client.presences.push(frame.envelope);
              return;
            case FRAME.PUSH_STATUS:
              client.pushStatuses.push({ answers: frame.answers, status: frame.status });
              return;
            case FRAME.BACKLOG_END:
              live = true;
              client.connected = true;
              // The outbox goes out again in seq order, under the same ids and bytes.
              for (const [, envelope] of [...outbox].sort((a, b) => a[0] - b[0])) ws.send(encodePutFrame(envelope));
              resolve();
              return;
            default:
              return;
          }
        });
      });
    },
    write(bytes = 120) {
      const seq = nextSeq++;
      const envelope = buildEnvelope(seq, bytes);
      outbox.set(seq, envelope);
      if (live && socket?.readyState === WebSocket.OPEN) socket.send(encodePutFrame(envelope));
    },
    drop() {
      if (socket === null) return;
      const ws = socket;
      socket = null;
      live = false;
      client.connected = false;
      ws.terminate();
    },
    closedNow: () => closed,
  };
  return client;
}
