import { concatBytes, utf8Encoder } from '../protocol/index.ts';

// The fields signed and hashed transcripts are built from (sealed answers, device records, answer
// keys): each field framed so that two fields can never run into each other.

const MAX_FIELD_BYTES = 0xffff;

/** u16 length ‖ UTF-8. */
export function lengthPrefixed(text: string): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  if (bytes.length > MAX_FIELD_BYTES) throw new RangeError('a transcript field is longer than 65,535 bytes');
  return concatBytes([Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes]);
}

/** Big-endian u32 (a revision, a length). */
export function u32(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError('a transcript field must be a u32');
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}
