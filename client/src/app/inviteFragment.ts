// Reads the invite link's fragment exactly once per page load, keeps the secret for this tab, and
// removes it from the address bar (APP-18), so it does not linger in history, screenshots or a
// bookmark. A reload of /join after that finds the secret in sessionStorage instead.
import { parseInviteTicket } from '@seen/shared/crypto';
import { decodeBase64Url, encodeBase64Url } from '@seen/shared/protocol';
import { parseInviteFragment, roomIdFor, type InviteError, type RoomSecret } from './invite.ts';
import { decodeSecret, encodeSecret } from './invite.ts';
import { rememberAdmissionTicket } from './openRoom.ts';

const PENDING_KEY = 'seen.pending-invite';
/** The admission ticket of a device link (SEALED-21), kept with the pending invite for a reload. */
const PENDING_TICKET_KEY = 'seen.pending-ticket';

export type InviteRead =
  | { readonly kind: 'secret'; readonly secret: RoomSecret }
  | { readonly kind: 'error'; readonly error: InviteError }
  | { readonly kind: 'none' };

let consumed: InviteRead | null = null;

export function consumeInviteFragment(location: Pick<Location, 'hash' | 'pathname' | 'search'> = window.location): InviteRead {
  const hash = location.hash;
  // A fragment in the address is always a new invite (another link opened in this tab); without
  // one, this tab's earlier read stands.
  if (consumed && (!hash || hash === '#')) return consumed;
  if (hash && hash !== '#') {
    const parsed = parseInviteFragment(hash);
    const ticket = parseInviteTicket(hash);
    window.history.replaceState(null, '', `${location.pathname}${location.search}`);
    // The room key's problem first: it is what the person must ask for again.
    if (!parsed.ok) return refuseInvite(parsed.error);
    if (!ticket.ok) return refuseInvite(ticket.error);
    safeSession(() => sessionStorage.setItem(PENDING_KEY, encodeSecret(parsed.value)));
    const admission = ticket.value;
    if (admission) {
      safeSession(() => sessionStorage.setItem(PENDING_TICKET_KEY, encodeBase64Url(admission)));
      rememberAdmissionTicket(roomIdFor(parsed.value), admission);
    } else {
      safeSession(() => sessionStorage.removeItem(PENDING_TICKET_KEY));
    }
    consumed = { kind: 'secret', secret: parsed.value };
    return consumed;
  }
  const pending = safeSession(() => sessionStorage.getItem(PENDING_KEY));
  const secret = pending ? decodeSecret(pending) : null;
  const pendingTicket = safeSession(() => sessionStorage.getItem(PENDING_TICKET_KEY));
  const ticket = pendingTicket ? decodeBase64Url(pendingTicket) : null;
  if (secret && ticket) rememberAdmissionTicket(roomIdFor(secret), ticket);
  consumed = secret ? { kind: 'secret', secret } : { kind: 'none' };
  return consumed;
}

/** A link that cannot be used: nothing of it is kept, and the error says why. */
function refuseInvite(error: InviteError): InviteRead {
  clearPendingInvite();
  consumed = { kind: 'error', error };
  return consumed;
}

/** After joining (or giving up), the pending secret is no longer needed in this tab. */
export function clearPendingInvite(): void {
  consumed = null;
  safeSession(() => sessionStorage.removeItem(PENDING_KEY));
  safeSession(() => sessionStorage.removeItem(PENDING_TICKET_KEY));
}

function safeSession<T>(action: () => T): T | null {
  try {
    return action();
  } catch {
    // Storage can be unavailable (privacy modes); the in-memory copy still works for this visit.
    return null;
  }
}
