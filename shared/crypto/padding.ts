/**
 * Inner plaintexts are padded to size buckets so the relay learns little from lengths (every
 * keystroke looks alike; a sentence and a short paragraph look alike). Buckets are the powers of
 * two from 128 up: a length is hidden within a factor of two and never costs more than twice its
 * size (coarser steps cost up to 4× — a 31 KB text's snapshot once took 262 KB). The inner header
 * is 83 bytes, so 128 is the smallest useful bucket: it holds a typical keystroke update.
 */
export const SMALLEST_BUCKET = 128;
/** The first buckets, for tests and documentation; above the last one, powers of two go on. */
export const PADDING_BUCKETS = [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144] as const;

export function paddedLength(length: number): number {
  let bucket = SMALLEST_BUCKET;
  while (bucket < length) bucket *= 2;
  return bucket;
}
