import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket.ts';

/** Takes until refused at one instant; returns how many were granted. */
function drain(bucket: TokenBucket, now: number, max = 10_000): number {
  let granted = 0;
  while (granted < max && bucket.take(now)) granted++;
  return granted;
}

describe('TokenBucket', () => {
  it('LIMIT-1 starts full: a burst of exactly `burst` is granted at one instant, the next is refused', () => {
    const bucket = new TokenBucket(10, 30, 1_000);
    expect(drain(bucket, 1_000)).toBe(30);
    expect(bucket.take(1_000)).toBe(false);
  });

  it('LIMIT-1 refills at `rate` per second: one token every 1/rate seconds, not before', () => {
    const bucket = new TokenBucket(10, 30, 0);
    drain(bucket, 0);
    expect(bucket.take(99)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    expect(drain(bucket, 1_100)).toBe(10);
  });

  it('LIMIT-1 partial refills add up, and a refused take costs nothing', () => {
    const bucket = new TokenBucket(10, 30, 0);
    drain(bucket, 0);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
  });

  it('LIMIT-1 never holds more than `burst`, however long it was idle', () => {
    const bucket = new TokenBucket(100, 300, 0);
    drain(bucket, 0);
    expect(drain(bucket, 3_600_000)).toBe(300);
  });

  it('LIMIT-1 sustains exactly `rate` per second under steady pressure', () => {
    const bucket = new TokenBucket(20, 60, 0);
    drain(bucket, 0);
    let granted = 0;
    for (let now = 1; now <= 10_000; now++) if (bucket.take(now)) granted++;
    expect(granted).toBe(200);
  });

  it('LIMIT-1 a wall clock that steps backwards does not drain the bucket', () => {
    // The relay passes Date.now(); an NTP step back must not lock a well-behaved client out.
    const bucket = new TokenBucket(10, 30, 60_000);
    expect(bucket.take(50_000)).toBe(true);
    expect(drain(bucket, 50_000)).toBe(29);
  });
});
