import * as encoding from 'lib0/encoding';

// y-protocols framing for the Yjs servers, built once up front so that sending costs nothing.
// y-websocket: [messageSync=0, messageYjsUpdate=2, varUint8Array(update)] and
// [messageAwareness=1, varUint8Array(awarenessUpdate)]. Hocuspocus prefixes varString(documentName).

export const Y_MESSAGE = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3, SYNC_STATUS: 8 } as const;
export const Y_SYNC = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;

function frame(documentName: string | null, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  if (documentName !== null) encoding.writeVarString(encoder, documentName);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function syncUpdateMessage(documentName: string | null, update: Uint8Array): Uint8Array {
  return frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, Y_MESSAGE.SYNC);
    encoding.writeVarUint(encoder, Y_SYNC.UPDATE);
    encoding.writeVarUint8Array(encoder, update);
  });
}

export function syncStep1Message(documentName: string | null, stateVector: Uint8Array): Uint8Array {
  return frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, Y_MESSAGE.SYNC);
    encoding.writeVarUint(encoder, Y_SYNC.STEP1);
    encoding.writeVarUint8Array(encoder, stateVector);
  });
}

/** One awareness entry: what y-protocols' Awareness sends for a cursor / "is writing" change. */
export function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

export function awarenessMessage(documentName: string | null, update: Uint8Array): Uint8Array {
  return frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, Y_MESSAGE.AWARENESS);
    encoding.writeVarUint8Array(encoder, update);
  });
}

/** Hocuspocus's first message per document: Auth / Token (empty token; the server has no auth hook). */
export function hocusAuthMessage(documentName: string): Uint8Array {
  return frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, Y_MESSAGE.AUTH);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarString(encoder, '');
  });
}

/** A presence state like the app's: who, which card, where the cursor is, whether they are writing. */
export function presenceState(name: string, index: number, typing: boolean): unknown {
  return { user: { name, color: '#b5651d' }, card: `card-${index % 7}`, cursor: { anchor: index * 3, head: index * 3 }, typing };
}

// ---- reading (hot path: hand-rolled varints, no allocation) -----------------------------------

export interface Cursor {
  pos: number;
}

export function readVarUint(bytes: Uint8Array, cursor: Cursor): number {
  let value = 0;
  let multiplier = 1;
  for (;;) {
    const byte = bytes[cursor.pos++]!;
    value += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return value;
    multiplier *= 128;
    if (cursor.pos > bytes.length) return -1;
  }
}

export function skipVarString(bytes: Uint8Array, cursor: Cursor): void {
  const length = readVarUint(bytes, cursor);
  cursor.pos += length;
}

/** The clientID that a Yjs v1 update is about (first struct group, or first delete-set client). */
export function updateClientId(bytes: Uint8Array, cursor: Cursor): number {
  readVarUint(bytes, cursor); // struct groups (0 for a delete-only update)
  readVarUint(bytes, cursor); // structs in the first group, or clients in the delete set
  return readVarUint(bytes, cursor); // the first group's client, or the delete set's first client
}
