import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import {
  ENVELOPE_TYPE,
  FRAME,
  LABEL,
  PROTOCOL_VERSION,
  RELAY_PATH,
  SIZE,
  buildAuthTranscript,
  encodeAuthFrame,
  encodeEnvelopeHeader,
  encodePutFrame,
  normalizeRelayOrigin,
  parseRelayFrame,
} from '@seen/shared/protocol';
import { computeRoomIdBytes } from '../src/relay/verifyEd25519.ts';

/**
 * A load client that speaks the real protocol with node:crypto only (Ed25519 signing in ~50 µs
 * instead of tweetnacl's ~3 ms), for soaks and floods of thousands of sockets. The relay cannot
 * tell it from the app: it checks signatures and clear headers, never content, so the "ciphertext"
 * here is random bytes of a realistic size.
 */
export interface FastRoom {
  readonly authPublicKey: Uint8Array;
  readonly authPrivateKey: KeyObject;
  readonly roomId: Uint8Array;
}

export interface FastClient {
  readonly socket: WebSocket;
  readonly sessionId: Uint8Array;
  /** Resolves at BACKLOG_END. */
  readonly ready: Promise<void>;
  readonly closed: Promise<number>;
  acks: number;
  envs: number;
  /** Every ACK of this session: seq → relaySeq. */
  readonly acked: Map<number, number>;
  readonly errorCodes: number[];
  put(bytes?: number): void;
  /** A PUT frame with the next seq, not sent (to send it in fragments, or never). */
  buildPut(bytes?: number): Uint8Array;
  /** An envelope with a clear header as given (defaults: this room, this session, next seq, UPDATE). */
  buildEnvelope(options?: { type?: number; seq?: number; coversRelaySeq?: number; roomId?: Uint8Array; sessionId?: Uint8Array; bytes?: number }): Uint8Array;
  close(): void;
}

export function rawPublicKey(key: KeyObject): Uint8Array {
  // The last 32 bytes of the SPKI DER encoding are the raw Ed25519 public key.
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - SIZE.PUBLIC_KEY));
}

/** Stops reading the TCP socket under a ws client: the peer's writes pile up in its own buffers. */
export function pauseReading(socket: WebSocket): void {
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
}

export function resumeReading(socket: WebSocket): void {
  (socket as unknown as { _socket: { resume(): void } })._socket.resume();
}

export interface FastDevice {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

export function createFastDevice(): FastDevice {
  return generateKeyPairSync('ed25519');
}

export function createFastRoom(): FastRoom {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const authPublicKey = rawPublicKey(publicKey);
  return { authPublicKey, authPrivateKey: privateKey, roomId: computeRoomIdBytes(authPublicKey) };
}

export function connectFastClient(options: {
  wsUrl: string;
  room: FastRoom;
  localAddress?: string;
  /** Stop reading from the socket right after sending AUTH (a reader that never drains). */
  pauseAfterAuth?: boolean;
  /** Reuse a device key (a reconnecting device); default: a new device. */
  device?: FastDevice;
}): FastClient {
  const { room } = options;
  const device = options.device ?? createFastDevice();
  const devicePublicKey = rawPublicKey(device.publicKey);
  const sessionId = new Uint8Array(randomBytes(SIZE.SESSION_ID));
  const socket = new WebSocket(options.wsUrl + RELAY_PATH, { localAddress: options.localAddress, perMessageDeflate: false });
  let nextSeq = 0;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  const closed = new Promise<number>((resolve) =>
    socket.on('close', (code) => {
      rejectReady(new Error(`closed with ${code} before BACKLOG_END`));
      resolve(code);
    }),
  );
  socket.on('error', () => undefined);
  const client: FastClient = {
    socket,
    sessionId,
    ready,
    closed,
    acks: 0,
    envs: 0,
    acked: new Map(),
    errorCodes: [],
    put(bytes = 200) {
      socket.send(client.buildPut(bytes));
    },
    buildPut(bytes = 200) {
      return encodePutFrame(client.buildEnvelope({ bytes }));
    },
    buildEnvelope(envelopeOptions = {}) {
      const header = encodeEnvelopeHeader({
        type: (envelopeOptions.type ?? ENVELOPE_TYPE.UPDATE) as typeof ENVELOPE_TYPE.UPDATE,
        roomId: envelopeOptions.roomId ?? room.roomId,
        sessionId: envelopeOptions.sessionId ?? sessionId,
        seq: envelopeOptions.seq ?? nextSeq++,
        epoch: 0,
        coversRelaySeq: envelopeOptions.coversRelaySeq ?? 0,
      });
      const bytes = envelopeOptions.bytes ?? 200;
      const envelope = new Uint8Array(header.length + SIZE.NONCE + SIZE.BOX_OVERHEAD + bytes);
      envelope.set(header);
      envelope.set(randomBytes(SIZE.NONCE + SIZE.BOX_OVERHEAD + bytes), header.length);
      return envelope;
    },
    close() {
      socket.close();
    },
  };
  socket.on('message', (data: Buffer) => {
    const parsed = parseRelayFrame(new Uint8Array(data));
    if (!parsed.ok) return;
    const frame = parsed.value;
    if (frame.kind === FRAME.HELLO) {
      if (frame.version !== PROTOCOL_VERSION) return;
      const common = { relayOrigin: normalizeRelayOrigin(options.wsUrl), roomId: room.roomId, challenge: frame.challenge };
      const roomSignature = sign(null, buildAuthTranscript({ ...common, context: LABEL.SIGN_REGISTER, subject: devicePublicKey }), room.authPrivateKey);
      const deviceSignature = sign(null, buildAuthTranscript({ ...common, context: LABEL.SIGN_AUTH, subject: sessionId }), device.privateKey);
      socket.send(
        encodeAuthFrame({
          roomId: room.roomId,
          authPublicKey: room.authPublicKey,
          devicePublicKey,
          sessionId,
          fromRelaySeq: 0,
          roomSignature: new Uint8Array(roomSignature),
          deviceSignature: new Uint8Array(deviceSignature),
        }),
      );
      if (options.pauseAfterAuth === true) pauseReading(socket);
    } else if (frame.kind === FRAME.BACKLOG_END) resolveReady();
    else if (frame.kind === FRAME.ACK) {
      client.acks += 1;
      client.acked.set(frame.seq, frame.relaySeq);
    } else if (frame.kind === FRAME.ERROR) client.errorCodes.push(frame.code);
    else if (frame.kind === FRAME.ENV) client.envs += 1;
  });
  return client;
}
