import { isRecord, readBoolean, readString } from './parse.ts';
import { MAX_NAME_LENGTH } from './schema.ts';

/**
 * What a device shares through awareness. Never put answer text here: presence is sent to
 * everyone in the room on every change and is not part of the stored, veiled document (APP-15).
 */
export interface Presence {
  readonly memberId: string;
  readonly name: string;
  /** `<session>/<cardId>` the member is looking at, or null. */
  readonly activeCardId: string | null;
  readonly typing: boolean;
}

export function parsePresence(state: unknown): Presence | null {
  if (!isRecord(state)) return null;
  const memberId = readString(state.memberId, 200);
  const name = readString(state.name, MAX_NAME_LENGTH);
  if (!memberId || name === null) return null;
  return {
    memberId,
    name,
    activeCardId: readString(state.activeCardId, 400),
    typing: readBoolean(state.typing),
  };
}

/** The only fields a device writes into awareness; building it here keeps text out (APP-15). */
export function buildPresence(presence: Presence): Record<string, unknown> {
  return {
    memberId: presence.memberId,
    name: presence.name,
    activeCardId: presence.activeCardId,
    typing: presence.typing,
  };
}
