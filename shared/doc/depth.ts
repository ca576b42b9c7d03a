import type * as Y from 'yjs';
import { readMembers } from './members.ts';
import { localOrigin } from './origins.ts';
import { MIN_LEVEL, RootKey, readLevel, rootMap, type Level } from './schema.ts';

export interface DepthState {
  /** The deepest level the room draws from: the lowest level every member opted into (APP-10). */
  readonly roomLevel: Level;
  /** Each member's own opt-in (members who never chose are at level 1). */
  readonly consent: Readonly<Record<string, Level>>;
  /**
   * The next level someone has asked for that the room has not reached yet, or null. Lets the UI
   * say "Sam would like to go deeper" without pressure.
   */
  readonly proposedLevel: Level | null;
}

/** Opt into (or back out of) a level. Lowering is always immediate: consent can be withdrawn (APP-10). */
export function setDepthConsent(doc: Y.Doc, options: { readonly memberId: string; readonly level: Level }): void {
  doc.transact(() => rootMap(doc, RootKey.DepthConsent).set(options.memberId, options.level), localOrigin('depth'));
}

export function readDepth(doc: Y.Doc): DepthState {
  const stored = rootMap(doc, RootKey.DepthConsent);
  const members = readMembers(doc);
  const consent: Record<string, Level> = {};
  for (const member of members) consent[member.id] = readLevel(stored.get(member.id)) ?? MIN_LEVEL;
  const levels = Object.values(consent);
  // One person alone cannot take the room deeper: deeper levels need at least two members who agree.
  const roomLevel: Level = levels.length >= 2 ? (Math.min(...levels) as Level) : MIN_LEVEL;
  const highest = levels.length ? (Math.max(...levels) as Level) : MIN_LEVEL;
  return { roomLevel, consent, proposedLevel: highest > roomLevel ? highest : null };
}
