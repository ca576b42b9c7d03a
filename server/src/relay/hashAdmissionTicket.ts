import { createHash } from 'node:crypto';
import { LABEL, SIZE } from '@seen/shared/protocol';

const TICKET_HASH_PREFIX = Buffer.concat([Buffer.from(LABEL.ADMISSION_TICKET, 'utf8'), Buffer.of(0)]);

/**
 * What the relay keeps of an admission ticket (SEALED-21), computed from the one an AUTH presents:
 * SHA-512(utf8("seen/v1/admission-ticket") ‖ 0x00 ‖ ticket)[0..32], as the app computes it with
 * tweetnacl. node:crypto here, so the relay needs no crypto library of the app's.
 */
export function hashAdmissionTicket(ticket: Uint8Array): Uint8Array {
  const digest = createHash('sha512').update(TICKET_HASH_PREFIX).update(ticket).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, SIZE.TICKET_HASH);
}
