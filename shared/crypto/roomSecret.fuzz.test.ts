import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIZE } from '../protocol/index.ts';
import { INVITE_ERROR, INVITE_FRAGMENT_KEY, encodeRoomSecret, formatInviteLink, parseInviteFragment } from './roomSecret.ts';

// SPEC FUZZ-3 (invite links). roomSecret.test.ts already proves "never throws" on random text;
// these properties are about what an accepted link means: exactly one key, canonical, the same
// bytes wherever the link is opened, and never anything from outside the fragment.

const secret = fc.uint8Array({ minLength: SIZE.SECRET, maxLength: SIZE.SECRET });
const origin = fc
  .tuple(fc.constantFrom('https', 'http'), fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.constantFrom('', '/', '/seen', '/seen/'))
  .map(([scheme, host, port, path]) => `${scheme}://${host}${port === undefined ? '' : `:${port}`}${path}`);
/** Fragment fields a chat app, a browser or a later version might add around the key. */
const field = fc
  .tuple(fc.string({ unit: fc.constantFrom(...'abcdxyz_'), minLength: 1, maxLength: 6 }), fc.string({ maxLength: 12 }))
  .filter(([name]) => name !== INVITE_FRAGMENT_KEY)
  .map(([name, value]) => `${name}=${encodeURIComponent(value)}`);

describe('invite link parser (SPEC FUZZ-3)', () => {
  it('FUZZ-3: a link made by formatInviteLink opens to the same secret from any origin, via URL parsing, with any extra fields', () => {
    fc.assert(
      fc.property(secret, origin, fc.array(field, { maxLength: 3 }), fc.array(field, { maxLength: 3 }), (bytes, appOrigin, before, after) => {
        const link = formatInviteLink(appOrigin, bytes);
        const url = new URL(link);
        // The secret is only in the fragment: never in what a browser sends (path, query, host).
        expect(`${url.origin}${url.pathname}${url.search}`).not.toContain(encodeRoomSecret(bytes));
        const hash = `#${[...before, url.hash.slice(1), ...after].join('&')}`;
        const parsed = parseInviteFragment(hash);
        expect(parsed.ok && Buffer.from(parsed.value).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('FUZZ-3: whatever is accepted is exactly one canonical key: re-encoding gives back the text that was in the link', () => {
    const keyish = fc.string({ unit: fc.constantFrom(...'AQgw09azAZ-_%2B=.~ '), minLength: 40, maxLength: 46 });
    fc.assert(
      fc.property(fc.oneof(keyish, secret.map(encodeRoomSecret)), fc.array(field, { maxLength: 2 }), (key, extra) => {
        const hash = `#${[...extra, `${INVITE_FRAGMENT_KEY}=${key}`].join('&')}`;
        const parsed = parseInviteFragment(hash);
        if (!parsed.ok) return;
        expect(parsed.value).toHaveLength(SIZE.SECRET);
        expect(encodeRoomSecret(parsed.value)).toBe(new URLSearchParams(hash.slice(1)).get(INVITE_FRAGMENT_KEY));
      }),
      { numRuns: 5_000 },
    );
  });

  it('FUZZ-3: a fragment carrying two keys is refused as malformed, whichever comes first', () => {
    fc.assert(
      fc.property(secret, secret, (a, b) => {
        const parsed = parseInviteFragment(`#k=${encodeRoomSecret(a)}&k=${encodeRoomSecret(b)}`);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.error.code).toBe(INVITE_ERROR.MALFORMED);
      }),
      { numRuns: 200 },
    );
  });

  it('FUZZ-3: a hostile megabyte of fragment is refused quickly (no pathological parsing)', () => {
    const inputs = [
      `#k=${'A'.repeat(1 << 20)}`,
      `#${'k=&'.repeat(1 << 18)}`,
      `#${'%'.repeat(1 << 20)}`,
      `#${'x=1&'.repeat(1 << 18)}k=${'A'.repeat(43)}`,
    ];
    for (const input of inputs) {
      const started = performance.now();
      const parsed = parseInviteFragment(input);
      expect(performance.now() - started).toBeLessThan(1_000);
      if (parsed.ok) expect(parsed.value).toHaveLength(SIZE.SECRET);
    }
  });
});
