import nacl from 'tweetnacl';
import { LABEL, SIZE, utf8Encoder } from '../protocol/index.ts';

/**
 * A one-time admission ticket (SEALED-21): 16 random bytes a device already in a sealed room makes
 * for one new device of its member, carried to it in the fragment of a link (`&t=`), and presented
 * in that device's AUTH. The relay keeps only `admissionTicketHash(ticket)`.
 */
export function generateAdmissionTicket(): Uint8Array {
  return nacl.randomBytes(SIZE.ADMISSION_TICKET);
}

/** SHA-512(utf8("seen/v1/admission-ticket") ‖ 0x00 ‖ ticket)[0..32] (PROTOCOL.md §3d). */
export function admissionTicketHash(ticket: Uint8Array): Uint8Array {
  const label = utf8Encoder.encode(LABEL.ADMISSION_TICKET);
  const message = new Uint8Array(label.length + 1 + ticket.length);
  message.set(label);
  message.set(ticket, label.length + 1);
  return nacl.hash(message).slice(0, SIZE.TICKET_HASH);
}
