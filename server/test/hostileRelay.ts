import { FRAME, RELAY_PATH, parseEnvelopeHeader, parseRelayFrame, toHex, type EnvelopeHeader } from '@seen/shared/protocol';
import { startFrameProxy, type FrameProxy } from './frameProxy.ts';

/**
 * The hostile-relay harness (SPEC HOST-*): a real relay behind a man-in-the-middle that behaves
 * like a malicious relay operator. It sees exactly what a relay sees — frame types, relaySeq, the
 * clear envelope header (room, session, seq, type) and ciphertext — and can drop, reorder, replay,
 * truncate, splice, roll back and inject frames towards clients. It holds no key, so it can never
 * make an envelope that opens: that is the property the client tests lean on.
 */
export interface RelayedFrame {
  /** Proxy connection id (one per client WebSocket). */
  readonly connection: number;
  readonly bytes: Uint8Array;
  readonly kind: number | null;
  /** ENV only: its relaySeq and clear header (null if the header does not parse). */
  readonly relaySeq: number | null;
  readonly header: EnvelopeHeader | null;
  /** ENV only: sent between READY and BACKLOG_END (catch-up) rather than live. */
  readonly inBacklog: boolean;
}

export type ToClientRule = (frame: RelayedFrame) => Uint8Array[] | undefined;

export interface HostileRelay {
  readonly proxy: FrameProxy;
  readonly wsUrl: string;
  /** Every frame the real relay sent towards clients, in order, before any tampering. */
  readonly fromRelay: RelayedFrame[];
  /**
   * Rules tried in order for each relay→client frame; the first that returns frames decides what
   * the client gets instead ([] drops it). No rule matching forwards the frame unchanged.
   */
  readonly rules: ToClientRule[];
  /** Sends bytes to one client as if from the relay. */
  inject(connection: number, bytes: Uint8Array): void;
  /** Connection ids that have received READY, newest last. */
  readonly connections: number[];
  close(): Promise<void>;
}

/** A readable key for an envelope as the relay sees it: `<session hex>:<seq>`. */
export function envelopeKey(header: EnvelopeHeader): string {
  return `${toHex(header.sessionId)}:${header.seq}`;
}

export async function startHostileRelay(relayWsUrl: string): Promise<HostileRelay> {
  const proxy = await startFrameProxy(relayWsUrl, RELAY_PATH);
  const phase = new Map<number, 'handshake' | 'backlog' | 'live'>();
  const hostile: HostileRelay = {
    proxy,
    wsUrl: proxy.wsUrl,
    fromRelay: [],
    rules: [],
    connections: [],
    inject: (connection, bytes) => proxy.sendToClient(connection, bytes),
    close: () => proxy.close(),
  };
  proxy.transform = (direction, bytes, connection) => {
    if (direction !== 'to-client') return [bytes];
    const parsed = parseRelayFrame(bytes);
    const kind = parsed.ok ? parsed.value.kind : null;
    if (kind === FRAME.READY) {
      phase.set(connection, 'backlog');
      hostile.connections.push(connection);
    }
    const inBacklog = phase.get(connection) === 'backlog';
    if (kind === FRAME.BACKLOG_END) phase.set(connection, 'live');
    let relaySeq: number | null = null;
    let header: EnvelopeHeader | null = null;
    if (parsed.ok && parsed.value.kind === FRAME.ENV) {
      relaySeq = parsed.value.relaySeq;
      const outer = parseEnvelopeHeader(parsed.value.envelope);
      header = outer.ok ? outer.value : null;
    }
    const frame: RelayedFrame = { connection, bytes, kind, relaySeq, header, inBacklog };
    hostile.fromRelay.push(frame);
    for (const rule of hostile.rules) {
      const out = rule(frame);
      if (out !== undefined) return out;
    }
    return [bytes];
  };
  return hostile;
}
