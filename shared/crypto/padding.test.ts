import { describe, expect, it } from 'vitest';
import { PADDING_BUCKETS, paddedLength } from './padding.ts';

describe('padding buckets', () => {
  it('CRYPTO-2 rounds every length up to the smallest bucket that holds it, edges included', () => {
    expect(paddedLength(0)).toBe(128);
    expect(paddedLength(1)).toBe(128);
    let previous = 0;
    for (const bucket of PADDING_BUCKETS) {
      expect(paddedLength(previous + 1)).toBe(bucket);
      expect(paddedLength(bucket)).toBe(bucket);
      previous = bucket;
    }
  });

  it('CRYPTO-2 above the listed buckets, powers of two go on: padding never doubles a length or more', () => {
    const largest = PADDING_BUCKETS.at(-1)!;
    expect(paddedLength(largest + 1)).toBe(2 * largest);
    expect(paddedLength(2 * largest)).toBe(2 * largest);
    expect(paddedLength(2 * largest + 1)).toBe(4 * largest);
    for (const length of [129, 1000, 31_000, 200_000, 3_000_000]) expect(paddedLength(length)).toBeLessThan(2 * length);
  });

  it('CRYPTO-2 every bucket is a power of two, twice the one before', () => {
    PADDING_BUCKETS.slice(1).forEach((bucket, index) => expect(bucket).toBe(2 * PADDING_BUCKETS[index]!));
  });
});
