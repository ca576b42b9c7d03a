import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';

// Node's encoder is the reference; its decoder is lenient (it accepts padding, '+', '/' and stray
// trailing bits), which is exactly what ours must not be: a secret that decodes from two different
// texts would let an altered invite link open the same room, or hide that the link was altered.
const nodeEncode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('base64url', () => {
  it("PROTO-3 encodes exactly like Node's Buffer.toString('base64url') and decodes back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64Url(bytes);
        expect(text).toBe(nodeEncode(bytes));
        expect(decodeBase64Url(text)).toEqual(bytes);
      }),
      { seed: 3001, numRuns: 2_000 },
    );
  });

  it('PROTO-3 round-trips the lengths around every 3-byte group edge, including empty', () => {
    for (let length = 0; length <= 12; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 0xff);
      expect(encodeBase64Url(bytes)).toBe(nodeEncode(bytes));
      expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
    }
  });

  it('PROTO-3 rejects a final character whose unused low bits are set (non-canonical text)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => bytes.length % 3 !== 0),
        fc.integer({ min: 1, max: 15 }),
        (bytes, noise) => {
          const text = encodeBase64Url(bytes);
          // 1 trailing byte leaves 4 unused bits in the last character, 2 bytes leave 2.
          const unusedBits = bytes.length % 3 === 1 ? 4 : 2;
          const extra = noise & ((1 << unusedBits) - 1);
          fc.pre(extra !== 0);
          const last = ALPHABET.indexOf(text.at(-1)!);
          const altered = text.slice(0, -1) + ALPHABET[last | extra]!;
          // Node accepts it and silently drops the bits; we refuse.
          expect(Buffer.from(altered, 'base64url')).toEqual(Buffer.from(bytes));
          expect(decodeBase64Url(altered)).toBeNull();
        },
      ),
      { seed: 3002, numRuns: 1_000 },
    );
  });

  it.each([
    ['padding', 'QQ=='],
    ['standard-alphabet plus', 'ab+c'],
    ['standard-alphabet slash', 'ab/c'],
    ['whitespace', 'QUJD RA'],
    ['a trailing newline', 'QUJD\n'],
    ['a non-ASCII letter', 'QUJé'],
    ['an impossible length (4n+1)', 'QUJDR'],
    ['a single character', 'Q'],
  ])('PROTO-3 rejects text with %s', (_what, text) => {
    expect(decodeBase64Url(text)).toBeNull();
  });

  it('PROTO-2 decodeBase64Url never throws on arbitrary text and only accepts canonical text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.constantFrom(...ALPHABET, '=', '+'), maxLength: 80 })), (text) => {
        const decoded = decodeBase64Url(text);
        if (decoded !== null) expect(encodeBase64Url(decoded)).toBe(text);
      }),
      { seed: 3003, numRuns: 5_000 },
    );
  });
});
