// Reads the invite link's fragment exactly once per page load, keeps the secret for this tab, and
// removes it from the address bar (APP-18), so it does not linger in history, screenshots or a
// bookmark. A reload of /join after that finds the secret in sessionStorage instead.
import { parseInviteFragment, type InviteError, type RoomSecret } from './invite.ts';
import { decodeSecret, encodeSecret } from './invite.ts';

const PENDING_KEY = 'seen.pending-invite';

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
    window.history.replaceState(null, '', `${location.pathname}${location.search}`);
    if (parsed.ok) {
      safeSession(() => sessionStorage.setItem(PENDING_KEY, encodeSecret(parsed.value)));
      consumed = { kind: 'secret', secret: parsed.value };
    } else {
      safeSession(() => sessionStorage.removeItem(PENDING_KEY));
      consumed = { kind: 'error', error: parsed.error };
    }
    return consumed;
  }
  const pending = safeSession(() => sessionStorage.getItem(PENDING_KEY));
  const secret = pending ? decodeSecret(pending) : null;
  consumed = secret ? { kind: 'secret', secret } : { kind: 'none' };
  return consumed;
}

/** After joining (or giving up), the pending secret is no longer needed in this tab. */
export function clearPendingInvite(): void {
  consumed = null;
  safeSession(() => sessionStorage.removeItem(PENDING_KEY));
}

function safeSession<T>(action: () => T): T | null {
  try {
    return action();
  } catch {
    // Storage can be unavailable (privacy modes); the in-memory copy still works for this visit.
    return null;
  }
}
