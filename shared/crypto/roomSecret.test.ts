import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SIZE } from '../protocol/index.ts';
import {
  ENCODED_SECRET_LENGTH,
  INVITE_ERROR,
  encodeRoomSecret,
  formatDeviceLink,
  formatInviteLink,
  generateRoomSecret,
  parseInviteFragment,
  parseInviteTicket,
  type InviteErrorCode,
} from './roomSecret.ts';
import { admissionTicketHash, generateAdmissionTicket } from './admissionTicket.ts';

const secretArb = fc.uint8Array({ minLength: SIZE.SECRET, maxLength: SIZE.SECRET });
const encoded = encodeRoomSecret(Uint8Array.from({ length: SIZE.SECRET }, (_, i) => i * 11));

function failureOf(hash: string): { code: InviteErrorCode; message: string } {
  const parsed = parseInviteFragment(hash);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(hash)} to be refused`);
  return parsed.error;
}

describe('invite link', () => {
  it('CRYPTO-6 round-trips the secret through the link fragment, which is the only place it appears', () => {
    fc.assert(
      fc.property(secretArb, fc.constantFrom('https://seen.example', 'https://seen.example/', 'http://localhost:5173'), (secret, origin) => {
        const link = new URL(formatInviteLink(origin, secret));
        expect(link.pathname).toBe('/join');
        expect(link.search).toBe('');
        expect(link.hash).toBe(`#k=${encodeRoomSecret(secret)}`);
        expect(parseInviteFragment(link.hash)).toEqual({ ok: true, value: secret });
        expect(parseInviteFragment(link.hash.slice(1))).toEqual({ ok: true, value: secret });
      }),
      { seed: 5001, numRuns: 300 },
    );
  });

  it('CRYPTO-6 a generated secret is 32 random bytes and encodes to 43 characters', () => {
    const a = generateRoomSecret();
    const b = generateRoomSecret();
    expect(a).toHaveLength(SIZE.SECRET);
    expect(encodeRoomSecret(a)).toHaveLength(ENCODED_SECRET_LENGTH);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('CRYPTO-6 tolerates other fragment fields around the key', () => {
    expect(parseInviteFragment(`#v=2&k=${encoded}&x=y`).ok).toBe(true);
  });

  it.each(['', '#', '#k=', '#x=1', '#K=' + encoded, 'k'])('CRYPTO-6 a fragment with no key (%j) is "missing"', (hash) => {
    expect(failureOf(hash).code).toBe(INVITE_ERROR.MISSING);
  });

  it.each([
    ['cut off by one character', encoded.slice(0, -1)],
    ['cut in half', encoded.slice(0, 21)],
    ['one character too long (a trailing period from a chat message)', `${encoded}.`],
  ])('CRYPTO-6 a key %s is "wrong-length"', (_what, key) => {
    expect(failureOf(`#k=${key}`).code).toBe(INVITE_ERROR.WRONG_LENGTH);
  });

  it.each([
    ['a character outside base64url', `${encoded.slice(0, 10)}!${encoded.slice(11)}`],
    ['a standard-base64 slash', `${encoded.slice(0, 10)}/${encoded.slice(11)}`],
    ['a plus (read as a space in a fragment)', `${encoded.slice(0, 10)}+${encoded.slice(11)}`],
    ['padding', `${encoded.slice(0, -1)}=`],
    ['a non-canonical last character', `${encoded.slice(0, -1)}B`],
  ])('CRYPTO-6 a key with %s is "malformed"', (_what, key) => {
    expect(key).toHaveLength(ENCODED_SECRET_LENGTH);
    expect(failureOf(`#k=${key}`).code).toBe(INVITE_ERROR.MALFORMED);
  });

  it('CRYPTO-6 every refusal carries a distinct human sentence, not a code', () => {
    const messages = new Map<InviteErrorCode, string>();
    for (const hash of ['#x=1', `#k=${encoded.slice(0, -3)}`, `#k=${encoded.slice(0, -1)}*`]) {
      const { code, message } = failureOf(hash);
      messages.set(code, message);
      expect(message).toMatch(/^[A-Z][^\n]{20,}\.$/);
      expect(message).not.toContain(code);
    }
    expect([...messages.keys()].sort()).toEqual(Object.values(INVITE_ERROR).sort());
    expect(new Set(messages.values()).size).toBe(3);
  });

  it('CRYPTO-6 parseInviteFragment never throws, and only accepts a 32-byte key', () => {
    const hash = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ maxLength: 50 }).map((tail) => `#k=${tail}`),
      fc.string({ unit: fc.constantFrom(...'Aa0-_%+=&#!'), minLength: 40, maxLength: 46 }).map((key) => `#k=${key}`),
    );
    fc.assert(
      fc.property(hash, (text) => {
        const parsed = parseInviteFragment(text);
        if (parsed.ok) expect(parsed.value).toHaveLength(SIZE.SECRET);
        else expect(parsed.error.message.length).toBeGreaterThan(0);
      }),
      { seed: 5002, numRuns: 5_000 },
    );
  });
});

describe('device link (SEALED-21)', () => {
  it('SEALED-21 a device link is the invite link plus a one-time ticket in the fragment; an invite link has none; an altered ticket is refused in words', () => {
    const secret = generateRoomSecret();
    const ticket = generateAdmissionTicket();
    const link = formatDeviceLink('https://seen.example', secret, ticket);
    expect(link.startsWith(`${formatInviteLink('https://seen.example', secret)}&t=`)).toBe(true);
    const hash = new URL(link).hash;
    expect(parseInviteFragment(hash)).toEqual({ ok: true, value: secret });
    expect(parseInviteTicket(hash)).toEqual({ ok: true, value: ticket });
    expect(parseInviteTicket(new URL(formatInviteLink('https://seen.example', secret)).hash)).toEqual({ ok: true, value: null });
    for (const altered of [hash.slice(0, -1), `${hash}A`, `${hash}&t=${hash.split('t=')[1]}`, hash.replace(/t=.../, 't=!!!')]) {
      const parsed = parseInviteTicket(altered);
      expect(parsed.ok, altered).toBe(false);
      if (!parsed.ok) expect(parsed.error.message).toMatch(/device link looks cut off or altered/);
    }
    // The relay keeps a hash that says nothing of the ticket, and differs per ticket.
    expect(admissionTicketHash(ticket)).toHaveLength(32);
    expect(admissionTicketHash(ticket)).not.toEqual(admissionTicketHash(generateAdmissionTicket()));
  });
});
