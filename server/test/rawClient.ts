import WebSocket from 'ws';
import {
  ENVELOPE_TYPE,
  FRAME,
  RELAY_PATH,
  SIZE,
  encodeAuthFrame,
  encodeEphemeralFrame,
  encodePutFrame,
  normalizeRelayOrigin,
  parseRelayFrame,
  type AckFrame,
  type EnvFrame,
  type ErrorFrame,
  type RelayFrame,
} from '@seen/shared/protocol';
import {
  deriveRoomKeys,
  generateDeviceKeyPair,
  randomBytes,
  sealEnvelope,
  signHandshake,
  type DeviceKeyPair,
  type RoomKeys,
  type RoomSecret,
} from '@seen/shared/crypto';

/**
 * A protocol-level test client: does the real handshake and speaks frames directly, so tests can
 * see exactly what the relay sends (and send what a normal client never would).
 */
export interface RawClient {
  readonly keys: RoomKeys;
  readonly device: DeviceKeyPair;
  readonly sessionId: Uint8Array;
  readonly frames: RelayFrame[];
  readonly envs: EnvFrame[];
  readonly acks: AckFrame[];
  readonly errors: ErrorFrame[];
  /** Every raw byte string received, for canary scans. */
  readonly rawReceived: Uint8Array[];
  /** Resolves at BACKLOG_END. */
  readonly ready: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;
  /** Seals and sends an update (or snapshot) envelope; returns its seq. */
  put(payload: Uint8Array, options?: { type?: 'update' | 'snapshot'; coversRelaySeq?: number; seq?: number }): number;
  presence(payload: Uint8Array): void;
  sendRaw(bytes: Uint8Array): void;
  waitForAcks(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function connectRawClient(options: {
  wsUrl: string;
  secret: RoomSecret;
  device?: DeviceKeyPair;
  sessionId?: Uint8Array;
  fromRelaySeq?: number;
  /** Sign for this origin instead of the real one (tests replay to another relay). */
  signedOrigin?: string;
  /** Corrupt the device signature (true or 'device') or the room signature ('room'): an attacker without those keys. */
  badSignature?: boolean | 'device' | 'room';
  /** Connect from this loopback address (127.0.0.2, …) to test per-address limits. */
  localAddress?: string;
  /** false: never answer the relay's pings (a peer that vanished without closing). */
  autoPong?: boolean;
  /** An admission ticket (SEALED-21) to present in AUTH. */
  admissionTicket?: Uint8Array;
}): Promise<RawClient> {
  const keys = deriveRoomKeys(options.secret);
  const device = options.device ?? generateDeviceKeyPair();
  const sessionId = options.sessionId ?? randomBytes(SIZE.SESSION_ID);
  const socket = new WebSocket(options.wsUrl + RELAY_PATH, { localAddress: options.localAddress, autoPong: options.autoPong ?? true });
  socket.binaryType = 'nodebuffer';
  const frames: RelayFrame[] = [];
  const envs: EnvFrame[] = [];
  const acks: AckFrame[] = [];
  const errors: ErrorFrame[] = [];
  const rawReceived: Uint8Array[] = [];
  let nextSeq = 0;
  let nextPresence = 0;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('error', () => undefined);
  socket.on('message', (data: Buffer) => {
    const bytes = new Uint8Array(data);
    rawReceived.push(bytes);
    const parsed = parseRelayFrame(bytes);
    if (!parsed.ok) throw new Error(`relay sent a malformed frame: ${parsed.error}`);
    const frame = parsed.value;
    frames.push(frame);
    if (frame.kind === FRAME.HELLO) {
      const signatures = signHandshake({
        relayOrigin: options.signedOrigin ?? normalizeRelayOrigin(options.wsUrl),
        roomId: keys.roomIdBytes,
        challenge: frame.challenge,
        sessionId,
        authSecretKey: keys.authKeyPair.secretKey,
        device,
      });
      if (options.badSignature === true || options.badSignature === 'device') signatures.deviceSignature[0]! ^= 0xff;
      if (options.badSignature === 'room') signatures.roomSignature[0]! ^= 0xff;
      socket.send(
        encodeAuthFrame({
          roomId: keys.roomIdBytes,
          authPublicKey: keys.authKeyPair.publicKey,
          devicePublicKey: device.publicKey,
          sessionId,
          fromRelaySeq: options.fromRelaySeq ?? 0,
          ...signatures,
          admissionTicket: options.admissionTicket ?? null,
        }),
      );
    } else if (frame.kind === FRAME.ENV) envs.push(frame);
    else if (frame.kind === FRAME.ACK) acks.push(frame);
    else if (frame.kind === FRAME.ERROR) errors.push(frame);
    else if (frame.kind === FRAME.BACKLOG_END) resolveReady();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  const seal = (type: 1 | 2 | 3, seq: number, payload: Uint8Array, coversRelaySeq = 0): Uint8Array =>
    sealEnvelope(
      { type, roomId: keys.roomIdBytes, sessionId, seq, epoch: 0, coversRelaySeq, sentAt: Date.now(), devicePublicKey: device.publicKey, payload },
      keys.encryptionKey,
    );

  return {
    keys,
    device,
    sessionId,
    frames,
    envs,
    acks,
    errors,
    rawReceived,
    ready,
    closed,
    socket,
    put(payload, putOptions = {}) {
      const seq = putOptions.seq ?? nextSeq++;
      const type = putOptions.type === 'snapshot' ? ENVELOPE_TYPE.SNAPSHOT : ENVELOPE_TYPE.UPDATE;
      socket.send(encodePutFrame(seal(type, seq, payload, putOptions.coversRelaySeq ?? 0)));
      return seq;
    },
    presence(payload) {
      socket.send(encodeEphemeralFrame(seal(ENVELOPE_TYPE.PRESENCE, nextPresence++, payload)));
    },
    sendRaw(bytes) {
      socket.send(bytes);
    },
    async waitForAcks(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (acks.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${acks.length}/${count} acks`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close() {
      socket.close();
    },
  };
}
