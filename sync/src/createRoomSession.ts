import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import {
  DEFAULT_LIMITS,
  ESCROW_KIND,
  FRAME,
  SIZE,
  encodeDeleteRoomFrame,
  encodeEscrowDepositBody,
  encodeEscrowDepositFrame,
  escrowDepositTranscript,
  encodeEscrowReadFrame,
  encodeNudgeFrame,
  encodePushSubscribeFrame,
  encodePushUnsubscribeFrame,
  encodeSealFrame,
  encodeRevokeDeviceFrame,
  encodeAdmitTicketFrame,
} from '@seen/shared/protocol';
import { admissionTicketHash, deriveRoomKeys, ed25519SignDetached, generateAdmissionTicket, generateDeviceKeyPair, randomBytes } from '@seen/shared/crypto';
import type { DeviceKeyPair, HandshakeSigner, RoomKeys, RoomSecret } from './publicTypes.ts';
import { createEncryptedSocketClass, type RelayEvent, type SocketConstructor } from './EncryptedSocket.ts';
import { offlineReasonForClose, refusalForClose } from './closeReasons.ts';
import { EscrowRequests } from './EscrowRequests.ts';
import { PushRequests } from './PushRequests.ts';
import type { OfflineReason, RoomSession, SessionPhase, SessionStatus, RefusalReason } from './RoomSession.ts';
import { SyncEngine, type RelayWatermark } from './SyncEngine.ts';
import type { CoalesceWindow } from './UpdateCoalescer.ts';
import { browserWakeUpSources, watchWakeUps, type WakeUpSources } from './watchWakeUps.ts';

/**
 * Where a session keeps what it learned about the relay's history between page loads, so that a
 * relay serving an older copy of the room is noticed even on a fresh start (SPEC HOST-6).
 */
export interface RelayWatermarkStore {
  load(): Promise<RelayWatermark | null>;
  save(watermark: RelayWatermark): Promise<void> | void;
}

export interface CreateRoomSessionOptions {
  readonly secret: RoomSecret;
  /** ws(s)://host:port of the relay, no path. */
  readonly relayUrl: string;
  /** 'indexeddb' keeps the room on the device (browsers); 'memory' (the default) keeps nothing. */
  readonly persistence?: 'indexeddb' | 'memory';
  /** This device's key; omitted = a fresh one (the app stores one per device). */
  readonly device?: DeviceKeyPair;
  /** The WebSocket class: the global one by default (browsers, Node 22); `ws` in Node 20. */
  readonly WebSocket?: SocketConstructor;
  /** Stored envelopes after the newest snapshot before this client uploads one. */
  readonly compactAfter?: number;
  readonly compactJitterMs?: number;
  /** Start with this document (tests: a doc that survives across sessions, like IndexedDB would). */
  readonly doc?: Y.Doc;
  readonly maxBackoffMs?: number;
  /** Default: next to the document in IndexedDB ('indexeddb'), none ('memory'). */
  readonly watermarkStore?: RelayWatermarkStore;
  /** How long a hole in a partner's changes may last before a re-read (tests shorten it). */
  readonly gapGraceMs?: number;
  readonly resyncCooldownMs?: number;
  /** First wait before asking a full room again whether it has room (doubles up to 30 s). */
  readonly quotaRetryMs?: number;
  /**
   * How long a local update may wait to be merged with the next ones into one envelope, by the
   * transaction origin that made it (0 = send at once). Default: 40 ms for every update.
   */
  readonly coalesceWindow?: CoalesceWindow;
  /**
   * Keys already derived from `secret` (e.g. by deriveRoomKeysAsync, off tweetnacl's slow cold
   * start); omitted = derived here with tweetnacl. They must be the secret's keys.
   */
  readonly keys?: RoomKeys;
  /** Signs each connection's handshake; omitted = tweetnacl (see EncryptedSocketContext). */
  readonly signHandshake?: HandshakeSigner;
  /**
   * A one-time admission ticket from a device link (SEALED-21): presented until the relay lets
   * this device in (READY), so a sealed room takes it once; never sent after.
   */
  readonly admissionTicket?: Uint8Array;
  /**
   * Where "the network is back" (`online`) and "the tab is shown again" (`visibilitychange`) come
   * from: a connection waiting out its backoff then tries again at once. Default: the browser's
   * `window` and `document` when there are any; `null` turns it off.
   */
  readonly wakeUps?: WakeUpSources | null;
}

export const DEFAULT_COMPACT_AFTER = 500;
const DEFAULT_COMPACT_JITTER_MS = 20_000;
const DEFAULT_MAX_BACKOFF_MS = 10_000;
/** The watermark grows with every envelope; writing it to IndexedDB once a second is plenty. */
const WATERMARK_SAVE_DELAY_MS = 1_000;

function isWatermark(value: unknown): value is RelayWatermark {
  if (typeof value !== 'object' || value === null) return false;
  const { highWater, confirmedCoverage } = value as Record<string, unknown>;
  return Number.isSafeInteger(highWater) && Number.isSafeInteger(confirmedCoverage) && (highWater as number) >= 0 && (confirmedCoverage as number) >= 0;
}

/** Keeps the watermark in y-indexeddb's key-value store, per relay (another relay has its own history). */
function indexeddbWatermarkStore(persistence: IndexeddbPersistence, relayUrl: string): RelayWatermarkStore {
  const key = `seen:relay-watermark:${relayUrl.toLowerCase()}`;
  return {
    async load() {
      const text: unknown = await persistence.get(key);
      if (typeof text !== 'string') return null;
      try {
        const value: unknown = JSON.parse(text);
        return isWatermark(value) ? value : null;
      } catch {
        return null;
      }
    },
    async save(watermark) {
      await persistence.set(key, JSON.stringify({ highWater: watermark.highWater, confirmedCoverage: watermark.confirmedCoverage }));
    },
  };
}

/** The IndexedDB database holding one room's document on this device. */
export function localDatabaseName(roomId: string): string {
  return `seen-room-${roomId}`;
}

/** The session with its moving parts exposed, for this package's own tests and benchmarks. */
export interface RoomSessionInternals extends RoomSession {
  readonly engine: SyncEngine;
  readonly provider: WebsocketProvider;
}

/**
 * One room, open on this device: the local Y.Doc (persisted), the WebsocketProvider over the
 * encrypting socket, and one status value for the UI. Framework-free (React reads it through hooks).
 */
export function openRoomSession(options: CreateRoomSessionOptions): RoomSessionInternals {
  const keys = options.keys ?? deriveRoomKeys(options.secret);
  const device = options.device ?? generateDeviceKeyPair();
  const sessionId = randomBytes(SIZE.SESSION_ID);
  const doc = options.doc ?? new Y.Doc();
  const awareness = new Awareness(doc);
  const listeners = new Set<() => void>();

  let phase: SessionPhase = 'connecting';
  let refusal: RefusalReason | null = null;
  let admissionTicket: Uint8Array | null = options.admissionTicket ?? null;
  let offlineReason: OfflineReason | null = null;
  let sealed = false;
  let deviceCount = 0;
  let status: SessionStatus | null = null;

  const notify = (): void => {
    status = null;
    for (const listener of [...listeners]) listener();
  };

  const engine = new SyncEngine({
    keys,
    device,
    sessionId,
    localClientId: doc.clientID,
    compactAfter: options.compactAfter ?? DEFAULT_COMPACT_AFTER,
    compactJitterMs: options.compactJitterMs ?? DEFAULT_COMPACT_JITTER_MS,
    maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    onChange: notify,
    gapGraceMs: options.gapGraceMs,
    resyncCooldownMs: options.resyncCooldownMs,
    quotaRetryMs: options.quotaRetryMs,
    coalesceWindow: options.coalesceWindow,
    onWatermark: () => scheduleWatermarkSave(),
  });
  let watermarkStore: RelayWatermarkStore | null = options.watermarkStore ?? null;
  let watermarkTimer: ReturnType<typeof setTimeout> | null = null;
  const saveWatermark = (): void => {
    if (watermarkTimer !== null) clearTimeout(watermarkTimer);
    watermarkTimer = null;
    void Promise.resolve(watermarkStore?.save(engine.watermark)).catch(() => undefined);
  };
  function scheduleWatermarkSave(): void {
    if (watermarkTimer === null && watermarkStore !== null) watermarkTimer = setTimeout(saveWatermark, WATERMARK_SAVE_DELAY_MS);
  }

  const pushRequests = new PushRequests();
  const escrowRequests = new EscrowRequests();
  const escrowNoticeListeners = new Set<(slotTag: Uint8Array) => void>();
  const onRelayEvent = (event: RelayEvent): void => {
    if (event.kind === 'push-status') return pushRequests.answer(event.answers, event.status);
    if (event.kind === 'escrow-releases') return escrowRequests.answer(event.slotTag, event.status, event.releases);
    if (event.kind === 'escrow-notice') {
      for (const listener of escrowNoticeListeners) listener(event.slotTag);
      return;
    }
    if (event.kind === 'closed') {
      pushRequests.failAll();
      escrowRequests.failAll();
    }
    if (phase === 'refused') return;
    switch (event.kind) {
      case 'connecting':
        if (phase !== 'offline') phase = 'connecting';
        break;
      case 'ready':
      case 'room-state':
        sealed = event.sealed;
        deviceCount = event.deviceCount;
        if (event.kind === 'ready') {
          phase = 'syncing';
          offlineReason = null;
          // In: the relay registered this device, and the ticket is spent (or was not needed).
          admissionTicket = null;
        }
        break;
      case 'open':
        // 'synced' follows when the provider has applied our SyncStep2 (see provider.on below).
        break;
      case 'closed': {
        const reason = refusalForClose(event.code);
        if (reason !== null) {
          phase = 'refused';
          refusal = reason;
          offlineReason = null;
        } else {
          phase = 'offline';
          offlineReason = offlineReasonForClose(event.code);
        }
        break;
      }
    }
    notify();
  };

  const WebSocketImpl = options.WebSocket ?? (globalThis.WebSocket as unknown as SocketConstructor | undefined);
  if (WebSocketImpl === undefined) throw new Error('This runtime has no global WebSocket (Node 20): pass the `ws` package as the WebSocket option.');
  // Registered before the provider's own update listener, so the engine knows the origin of each
  // local update the provider sends (and can merge typing while sending a shared answer at once).
  const noteOrigin = (_update: Uint8Array, origin: unknown): void => engine.noteLocalOrigin(origin);
  doc.on('update', noteOrigin);
  const provider = new WebsocketProvider(options.relayUrl, keys.roomId, doc, {
    connect: false,
    awareness,
    // The exact spelling matters: `WebsocketPolyfill` is ignored and would mean plaintext (SPEC SYNC-1).
    WebSocketPolyfill: createEncryptedSocketClass({
      relayUrl: options.relayUrl,
      keys,
      device,
      sessionId,
      engine,
      WebSocketImpl,
      onRelayEvent,
      signHandshake: options.signHandshake,
      admissionTicket: () => admissionTicket,
    }) as unknown as typeof WebSocket,
    // Tabs must not bypass the relay: every byte goes through the encrypting socket.
    disableBc: true,
    maxBackoffTime: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
  });

  provider.on('sync', (isSynced: boolean) => {
    if (!isSynced || phase === 'refused') return;
    phase = 'synced';
    notify();
  });

  /** Resolves the first time the status satisfies `done` (checked now and after every change). */
  const whenStatus = (done: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (done()) return resolve();
      const check = (): void => {
        if (!done()) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
    });

  const persistence = (options.persistence ?? 'memory') === 'indexeddb' ? new IndexeddbPersistence(localDatabaseName(keys.roomId), doc) : null;
  const localLoaded: Promise<void> = persistence === null ? Promise.resolve() : persistence.whenSynced.then(() => undefined);
  if (watermarkStore === null && persistence !== null) watermarkStore = indexeddbWatermarkStore(persistence, options.relayUrl);
  let destroyed = false;
  // Connect once the local copy and the relay watermark are loaded, so the first handshake
  // already carries local state and the first backlog can be checked against what we knew.
  void localLoaded
    .then(async () => {
      const watermark = await watermarkStore?.load().catch(() => null);
      if (watermark) engine.restoreWatermark(watermark);
    })
    .then(() => {
      if (!destroyed) provider.connect();
    });

  // A wake-up only shortens a wait that is already under way: it never reconnects a room that was
  // refused, disconnected on purpose, or destroyed, and leaves a live or opening socket alone.
  const stopWatchingWakeUps = watchWakeUps(options.wakeUps === undefined ? browserWakeUpSources() : (options.wakeUps ?? {}), () => {
    if (destroyed || phase === 'refused' || !provider.shouldConnect || provider.ws !== null) return;
    provider.connect();
  });

  const sendControl = (frame: Uint8Array): Promise<void> =>
    engine.sendControl(frame) ? Promise.resolve() : Promise.reject(new Error('Not connected to the relay. Try again when you are online.'));

  return {
    roomId: keys.roomId,
    doc,
    awareness,
    engine,
    provider,
    getStatus() {
      status ??= {
        phase,
        refusal,
        pendingAcks: engine.pendingAcks,
        lastSavedAt: engine.lastSavedAt,
        partnerLastActiveAt: engine.partnerLastActiveAt,
        sealed,
        deviceCount,
        saved: engine.pendingAcks === 0,
        warnings: engine.getWarnings(),
        quotaExceeded: engine.quotaExceeded,
        offlineReason: phase === 'offline' ? offlineReason : null,
      };
      return status;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenLocalLoaded: () => localLoaded,
    whenSynced: () => whenStatus(() => phase === 'synced'),
    whenSaved: () => engine.whenSaved(),
    flush: () => engine.flush(),
    compact: () => engine.compactNow(),
    reconnect() {
      if (destroyed || phase === 'refused') return;
      provider.disconnect();
      provider.connect();
    },
    disconnect: () => provider.disconnect(),
    connect() {
      if (!destroyed && phase !== 'refused') provider.connect();
    },
    async seal() {
      await sendControl(encodeSealFrame());
      await whenStatus(() => sealed || phase === 'refused');
    },
    registerPush: (subscription) => pushRequests.request(FRAME.PUSH_SUBSCRIBE, () => engine.sendControl(encodePushSubscribeFrame(subscription))),
    unregisterPush: () => pushRequests.request(FRAME.PUSH_UNSUBSCRIBE, () => engine.sendControl(encodePushUnsubscribeFrame())),
    nudge: () => pushRequests.request(FRAME.NUDGE, () => engine.sendControl(encodeNudgeFrame())),
    depositEscrow(deposit) {
      const body = encodeEscrowDepositBody({
        slotTag: deposit.slotTag,
        depositKind: deposit.kind === 'answer' ? ESCROW_KIND.ANSWER : ESCROW_KIND.DECLINE,
        lifetimeDays: deposit.lifetimeDays,
        record: deposit.record,
        boxes: deposit.kind === 'answer' ? deposit.boxes : [],
      });
      // WebCrypto's Ed25519 (about a millisecond, off the page's thread) rather than tweetnacl's
      // (several on a busy phone): the deposit is on the path of a live reveal (SEALED-8).
      return ed25519SignDetached(escrowDepositTranscript(keys.roomIdBytes, body), device.secretKey).then((signature) => {
        const frame = encodeEscrowDepositFrame(body, signature);
        return escrowRequests.request(deposit.slotTag, () => engine.sendControl(frame));
      });
    },
    readEscrow: (slotTag) => escrowRequests.request(slotTag, () => engine.sendControl(encodeEscrowReadFrame(slotTag))),
    onEscrowNotice(listener) {
      escrowNoticeListeners.add(listener);
      return () => escrowNoticeListeners.delete(listener);
    },
    revokeDevice: (devicePublicKey) => sendControl(encodeRevokeDeviceFrame(devicePublicKey)),
    async issueAdmissionTicket() {
      const ticket = generateAdmissionTicket();
      await sendControl(encodeAdmitTicketFrame(admissionTicketHash(ticket)));
      return ticket;
    },
    async deleteRoom() {
      await sendControl(encodeDeleteRoomFrame());
      await whenStatus(() => phase === 'refused');
      if (persistence !== null) await persistence.clearData();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      stopWatchingWakeUps();
      if (watermarkTimer !== null) saveWatermark();
      doc.off('update', noteOrigin);
      provider.destroy();
      awareness.destroy();
      engine.destroy();
      void persistence?.destroy();
      listeners.clear();
    },
  };
}
