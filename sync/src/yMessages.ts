import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// The y-protocols messages the polyfill reads from, and writes to, the WebsocketProvider.
// Numbers match y-websocket 3.1 (messageSync = 0, messageAwareness = 1, messageAuth = 2,
// messageQueryAwareness = 3) and y-protocols/sync (step1 = 0, step2 = 1, update = 2).
export const Y_MESSAGE = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3 } as const;
export const Y_SYNC = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;

/** An empty awareness update: refreshes the provider's 30 s watchdog and changes nothing. */
export const KEEPALIVE_MESSAGE = new Uint8Array([Y_MESSAGE.AWARENESS, 1, 0]);
export const QUERY_AWARENESS_MESSAGE = new Uint8Array([Y_MESSAGE.QUERY_AWARENESS]);

export function encodeSyncMessage(kind: (typeof Y_SYNC)[keyof typeof Y_SYNC], payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, Y_MESSAGE.SYNC);
  encoding.writeVarUint(encoder, kind);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

export type ProviderMessage =
  | { readonly kind: 'sync'; readonly step: number; readonly payload: Uint8Array }
  | { readonly kind: 'awareness' | 'query-awareness' | 'auth' }
  | { readonly kind: 'unknown' };

/** Parses what the provider sends; never throws (a malformed message is 'unknown'). */
export function parseProviderMessage(bytes: Uint8Array): ProviderMessage {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case Y_MESSAGE.SYNC: {
        const step = decoding.readVarUint(decoder);
        return { kind: 'sync', step, payload: decoding.readVarUint8Array(decoder) };
      }
      case Y_MESSAGE.AWARENESS:
        return { kind: 'awareness' };
      case Y_MESSAGE.QUERY_AWARENESS:
        return { kind: 'query-awareness' };
      case Y_MESSAGE.AUTH:
        return { kind: 'auth' };
      default:
        return { kind: 'unknown' };
    }
  } catch {
    return { kind: 'unknown' };
  }
}

export interface AwarenessEntry {
  readonly clientId: number;
  readonly clock: number;
  readonly state: string;
}

/** Decodes a `[1, varUint8Array(update)]` awareness message into its entries, or null if malformed. */
export function decodeAwarenessMessage(bytes: Uint8Array): AwarenessEntry[] | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== Y_MESSAGE.AWARENESS) return null;
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(update);
      const clock = decoding.readVarUint(update);
      entries.push({ clientId, clock, state: decoding.readVarString(update) });
    }
    return entries;
  } catch {
    return null;
  }
}

export function encodeAwarenessMessage(entries: readonly AwarenessEntry[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(update, entry.clientId);
    encoding.writeVarUint(update, entry.clock);
    encoding.writeVarString(update, entry.state);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, Y_MESSAGE.AWARENESS);
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
  return encoding.toUint8Array(encoder);
}
