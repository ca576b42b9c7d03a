import { describe, expect, it } from 'vitest';
import { SIZE } from '@seen/shared/protocol';
import { admissionTicketHash, generateAdmissionTicket } from '@seen/shared/crypto';
import { hashAdmissionTicket } from '../src/relay/hashAdmissionTicket.ts';

describe('hashAdmissionTicket', () => {
  it('SEALED-21 the relay hashes a ticket exactly as the app does (node:crypto vs tweetnacl), 32 bytes, and different tickets differ', () => {
    const fixed = Uint8Array.from({ length: SIZE.ADMISSION_TICKET }, (_, index) => index);
    expect(Buffer.from(hashAdmissionTicket(fixed)).toString('hex')).toBe(Buffer.from(admissionTicketHash(fixed)).toString('hex'));
    for (let round = 0; round < 20; round++) {
      const ticket = generateAdmissionTicket();
      expect([...hashAdmissionTicket(ticket)]).toEqual([...admissionTicketHash(ticket)]);
    }
    expect(hashAdmissionTicket(fixed).length).toBe(SIZE.TICKET_HASH);
    expect([...hashAdmissionTicket(new Uint8Array(SIZE.ADMISSION_TICKET))]).not.toEqual([...hashAdmissionTicket(fixed)]);
  });
});
