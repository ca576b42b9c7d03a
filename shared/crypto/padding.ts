/**
 * Inner plaintexts are padded to a few size buckets so the relay learns little from lengths
 * (every keystroke looks alike; a sentence and a short paragraph look alike). The inner header is
 * 83 bytes, so 128 is the smallest useful bucket: it holds a typical keystroke update and halves
 * what a catch-up decrypts compared with 256 (BENCHMARKS.md). Above the last bucket, round up to
 * its multiple.
 */
export const PADDING_BUCKETS = [128, 256, 1024, 4096, 16384, 65536, 262144] as const;
const LARGEST_BUCKET = PADDING_BUCKETS[PADDING_BUCKETS.length - 1]!;

export function paddedLength(length: number): number {
  for (const bucket of PADDING_BUCKETS) if (length <= bucket) return bucket;
  return Math.ceil(length / LARGEST_BUCKET) * LARGEST_BUCKET;
}
