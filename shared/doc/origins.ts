/**
 * Named Yjs transaction origins for every write the app makes.
 *
 * The sync layer and the UI tell local edits from remote ones by origin (never by comparing
 * strings at call sites), and the "undo my own typing" and "was this my write?" questions depend on
 * it. Add a reason here rather than passing a literal.
 * @see SPEC.md APP-20
 */
export type LocalReason =
  | 'create-room'
  | 'join'
  | 'rename'
  | 'settings'
  | 'start-session'
  | 'close-session'
  | 'draft'
  | 'submit'
  | 'pass'
  | 'reply'
  | 'reaction'
  | 'depth'
  | 'checkin'
  | 'custom-prompt'
  | 'ready'
  | 'device'
  | 'release'
  | 'member-prefs'
  | 'early-look';

export type TransactionOrigin =
  | { readonly source: 'local'; readonly reason: LocalReason }
  | { readonly source: 'migration'; readonly toVersion: number };

const localOrigins = new Map<LocalReason, TransactionOrigin>();

/** One frozen origin object per reason, so origins can also be compared by identity. */
export function localOrigin(reason: LocalReason): TransactionOrigin {
  let origin = localOrigins.get(reason);
  if (!origin) {
    origin = Object.freeze({ source: 'local', reason });
    localOrigins.set(reason, origin);
  }
  return origin;
}

export function migrationOrigin(toVersion: number): TransactionOrigin {
  return Object.freeze({ source: 'migration', toVersion });
}

/** True for origins this module created (edits made by this app on this device). */
export function isAppOrigin(origin: unknown): origin is TransactionOrigin {
  if (typeof origin !== 'object' || origin === null) return false;
  const source = (origin as { source?: unknown }).source;
  return source === 'local' || source === 'migration';
}
