import {
  CLOSE,
  FRAME,
  PROTOCOL_VERSION,
  RELAY_PATH,
  encodeAuthFrame,
  normalizeRelayOrigin,
  parseRelayFrame,
  type EscrowReleaseField,
  type RelayFrame,
} from '@seen/shared/protocol';
import { signHandshake, type DeviceKeyPair, type HandshakeSignatures, type HandshakeSigner, type RoomKeys } from '@seen/shared/crypto';
import type { RelayLink, SyncEngine } from './SyncEngine.ts';
import { KEEPALIVE_MESSAGE, QUERY_AWARENESS_MESSAGE, Y_SYNC, encodeSyncMessage, parseProviderMessage } from './yMessages.ts';
import * as Y from 'yjs';

/** The subset of the browser WebSocket (and `ws`) this module uses. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface EncryptedSocketContext {
  /** ws://host:port (no path); RELAY_PATH is appended here. */
  readonly relayUrl: string;
  readonly keys: RoomKeys;
  readonly device: DeviceKeyPair;
  readonly sessionId: Uint8Array;
  readonly engine: SyncEngine;
  readonly WebSocketImpl: SocketConstructor;
  /** Called for each relay-level event the session status cares about. */
  readonly onRelayEvent: (event: RelayEvent) => void;
  /** Signs the handshake (default: tweetnacl, synchronously); may answer later, e.g. through WebCrypto. */
  readonly signHandshake?: HandshakeSigner;
  /**
   * A one-time ticket another device of the room issued (SEALED-21), read before each AUTH: it lets
   * this new device into a sealed room once; null once the relay let this device in.
   */
  readonly admissionTicket?: () => Uint8Array | null;
}

export type RelayEvent =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'ready'; readonly sealed: boolean; readonly deviceCount: number }
  | { readonly kind: 'room-state'; readonly sealed: boolean; readonly deviceCount: number }
  | { readonly kind: 'open' }
  | { readonly kind: 'push-status'; readonly answers: number; readonly status: number }
  | { readonly kind: 'escrow-releases'; readonly slotTag: Uint8Array; readonly status: number; readonly releases: readonly EscrowReleaseField[] }
  | { readonly kind: 'escrow-notice'; readonly slotTag: Uint8Array }
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string };

/** What the provider constructs: a WebSocket look-alike (the class itself stays private to this module). */
export type EncryptedSocketClass = new (url: string, protocols?: string | string[]) => RelayLink;

const READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

/**
 * Builds the `WebSocketPolyfill` class for y-websocket's WebsocketProvider (docs/ARCHITECTURE.md,
 * "The sync layer"). To the provider it looks like a socket to a y-websocket server; underneath it
 * speaks the relay protocol, encrypts everything, and plays the server's half of the Yjs handshake
 * from the decrypted log. Nothing unauthenticated from the relay ever reaches the provider.
 */
export function createEncryptedSocketClass(context: EncryptedSocketContext): EncryptedSocketClass {
  return class EncryptedSocket implements RelayLink {
    static readonly CONNECTING = READY_STATE.CONNECTING;
    static readonly OPEN = READY_STATE.OPEN;
    static readonly CLOSING = READY_STATE.CLOSING;
    static readonly CLOSED = READY_STATE.CLOSED;
    readonly CONNECTING = READY_STATE.CONNECTING;
    readonly OPEN = READY_STATE.OPEN;
    readonly CLOSING = READY_STATE.CLOSING;
    readonly CLOSED = READY_STATE.CLOSED;

    binaryType = 'arraybuffer';
    readyState: number = READY_STATE.CONNECTING;
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
    onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;

    private readonly socket: SocketLike;
    private authenticated = false;
    private finished = false;
    /** The cursor this connection's AUTH carried: the backlog starts after it. */
    private fromRelaySeq = 0;

    // The provider passes its own URL (serverUrl/roomname); the relay URL comes from the context
    // so that nothing about the room appears in the request line.
    constructor(_url: string, _protocols?: string | string[]) {
      context.onRelayEvent({ kind: 'connecting' });
      this.socket = new context.WebSocketImpl(context.relayUrl + RELAY_PATH);
      this.socket.binaryType = 'arraybuffer';
      this.socket.onmessage = (event) => {
        if (event.data instanceof ArrayBuffer) this.handleRelayFrame(new Uint8Array(event.data));
      };
      this.socket.onclose = (event) => this.finish(event.code, event.reason);
      this.socket.onerror = (event) => this.onerror?.(event);
      context.engine.attach(this);
    }

    get canSend(): boolean {
      return this.authenticated && !this.finished;
    }

    sendFrame(frame: Uint8Array): void {
      if (this.canSend) this.socket.send(frame);
    }

    restart(): void {
      this.socket.close(CLOSE.NORMAL, 'restart');
    }

    // ---- provider → relay ---------------------------------------------------------------------

    send(data: ArrayBuffer | Uint8Array): void {
      if (this.readyState !== READY_STATE.OPEN) return;
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      const message = parseProviderMessage(bytes);
      switch (message.kind) {
        case 'sync':
          if (message.step === Y_SYNC.STEP1) this.answerSyncStep1(message.payload);
          else if (message.step === Y_SYNC.STEP2) context.engine.reconcile(message.payload);
          else if (message.step === Y_SYNC.UPDATE) context.engine.publishUpdate(message.payload);
          return;
        case 'awareness':
        case 'query-awareness':
          context.engine.publishPresence(bytes);
          return;
        default:
          return; // auth and unknown messages have no meaning on this relay
      }
    }

    /**
     * The provider's SyncStep1 carries its state vector. We answer as a server would: SyncStep2
     * with what the mirror has and the doc lacks (this sets `synced`), then our own SyncStep1 with
     * the mirror's state vector, whose reply is exactly the local data the relay is missing.
     */
    private answerSyncStep1(stateVector: Uint8Array): void {
      const { mirror } = context.engine;
      let missing: Uint8Array;
      try {
        missing = Y.encodeStateAsUpdate(mirror, stateVector);
      } catch {
        missing = Y.encodeStateAsUpdate(mirror);
      }
      const step2 = encodeSyncMessage(Y_SYNC.STEP2, missing);
      const step1 = encodeSyncMessage(Y_SYNC.STEP1, Y.encodeStateVector(mirror));
      // Deliver after the provider's onopen handler has finished sending.
      queueMicrotask(() => {
        this.deliver(step2);
        this.deliver(step1);
      });
    }

    close(code?: number, reason?: string): void {
      if (this.finished) return;
      this.readyState = READY_STATE.CLOSING;
      this.socket.close(code ?? CLOSE.NORMAL, reason);
      this.finish(code ?? CLOSE.NORMAL, reason ?? '');
    }

    // ---- relay → provider ---------------------------------------------------------------------

    /**
     * Hands one y-protocols message to the provider. Nothing it throws escapes: an exception inside
     * the provider's message handler would otherwise close the socket and loop reconnects.
     */
    private deliver(message: Uint8Array): void {
      if (this.readyState !== READY_STATE.OPEN || this.onmessage === null) return;
      try {
        this.onmessage({ data: message.slice().buffer });
      } catch {
        context.engine.warn('unappliable-change');
      }
    }

    private sendAuth(signatures: HandshakeSignatures): void {
      // The socket may have closed while an asynchronous signer worked.
      if (this.finished || this.authenticated) return;
      this.socket.send(
        encodeAuthFrame({
          roomId: context.keys.roomIdBytes,
          authPublicKey: context.keys.authKeyPair.publicKey,
          devicePublicKey: context.device.publicKey,
          sessionId: context.sessionId,
          fromRelaySeq: this.fromRelaySeq,
          ...signatures,
          admissionTicket: context.admissionTicket?.() ?? null,
        }),
      );
    }

    private handleRelayFrame(bytes: Uint8Array): void {
      const parsed = parseRelayFrame(bytes);
      if (!parsed.ok) {
        // Raw y-protocols bytes, truncated frames or garbage injected by a hostile relay end here:
        // nothing unparsed ever reaches the provider (HOST-5).
        context.engine.warn('unreadable-frame');
        return;
      }
      this.handle(parsed.value);
    }

    private handle(frame: RelayFrame): void {
      const { engine } = context;
      switch (frame.kind) {
        case FRAME.HELLO: {
          if (this.authenticated) return;
          if (frame.version !== PROTOCOL_VERSION) return this.close(CLOSE.VERSION_UNSUPPORTED, 'version');
          this.fromRelaySeq = engine.cursor;
          const signatures = (context.signHandshake ?? signHandshake)({
            relayOrigin: normalizeRelayOrigin(context.relayUrl),
            roomId: context.keys.roomIdBytes,
            challenge: frame.challenge,
            sessionId: context.sessionId,
            authSecretKey: context.keys.authKeyPair.secretKey,
            device: context.device,
          });
          if (signatures instanceof Promise) {
            // A signer that fails leaves nothing to send: drop this connection, the provider retries.
            signatures.then(
              (signed) => this.sendAuth(signed),
              () => this.socket.close(CLOSE.NORMAL, 'restart'),
            );
          } else this.sendAuth(signatures);
          return;
        }
        case FRAME.READY:
          // A second READY (injected) must not restart the backlog bookkeeping.
          if (this.authenticated) return;
          this.authenticated = true;
          engine.beginBacklog(this.fromRelaySeq);
          context.onRelayEvent({ kind: 'ready', sealed: frame.sealed, deviceCount: frame.deviceCount });
          return;
        case FRAME.ROOM_STATE:
          if (!this.authenticated) return;
          context.onRelayEvent({ kind: 'room-state', sealed: frame.sealed, deviceCount: frame.deviceCount });
          return;
        case FRAME.ENV: {
          if (!this.authenticated) return;
          const update = engine.receiveStored(frame.relaySeq, frame.envelope);
          if (update !== null) this.deliver(encodeSyncMessage(Y_SYNC.UPDATE, update));
          return;
        }
        case FRAME.BACKLOG_END:
          if (!this.authenticated || this.readyState !== READY_STATE.CONNECTING) return;
          // false: the relay went back in time; the engine restarts the connection to rebuild.
          if (!engine.resumeAfterBacklog(frame.sinceSnapshot, frame.upToRelaySeq)) return;
          this.readyState = READY_STATE.OPEN;
          context.onRelayEvent({ kind: 'open' });
          this.onopen?.({ type: 'open' });
          // Ask partners for their presence now, rather than waiting for their next 15 s awareness beat.
          engine.publishPresence(QUERY_AWARENESS_MESSAGE);
          return;
        case FRAME.ACK:
          if (!this.authenticated) return;
          engine.ack(frame.sessionId, frame.seq, frame.relaySeq);
          return;
        case FRAME.ERROR:
          if (!this.authenticated) return;
          engine.handleRelayError(frame.code, frame.sessionId, frame.seq);
          return;
        case FRAME.EPH: {
          if (!this.authenticated) return;
          const message = engine.receivePresence(frame.envelope);
          if (message !== null) this.deliver(message);
          return;
        }
        case FRAME.HEARTBEAT:
          this.deliver(KEEPALIVE_MESSAGE);
          return;
        case FRAME.PUSH_STATUS:
          if (!this.authenticated) return;
          context.onRelayEvent({ kind: 'push-status', answers: frame.answers, status: frame.status });
          return;
        case FRAME.ESCROW_RELEASES:
          if (!this.authenticated) return;
          context.onRelayEvent({ kind: 'escrow-releases', slotTag: frame.slotTag, status: frame.status, releases: frame.releases });
          return;
        case FRAME.ESCROW_NOTICE:
          if (!this.authenticated) return;
          context.onRelayEvent({ kind: 'escrow-notice', slotTag: frame.slotTag });
          return;
      }
    }

    private finish(code: number, reason: string): void {
      if (this.finished) return;
      this.finished = true;
      this.readyState = READY_STATE.CLOSED;
      context.engine.detach(this);
      context.onRelayEvent({ kind: 'closed', code, reason });
      this.onclose?.({ code, reason, wasClean: code === CLOSE.NORMAL });
    }
  };
}
