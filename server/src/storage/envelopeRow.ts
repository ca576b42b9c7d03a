import type { StoredEnvelope } from './RelayStorage.ts';

/** A log row as both SQL engines return it (SQLite and PostgreSQL share the column names). */
export interface EnvelopeRow {
  relay_seq: number;
  blob: Buffer;
  covers: number | null;
}

/** The row's bytes as a view, not a copy: envelopes go straight out to sockets. */
export const toStored = (row: EnvelopeRow): StoredEnvelope => ({
  relaySeq: row.relay_seq,
  envelope: new Uint8Array(row.blob.buffer, row.blob.byteOffset, row.blob.byteLength),
  coversRelaySeq: row.covers,
});
