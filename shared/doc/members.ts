import type * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readString } from './parse.ts';
import { cleanName } from './room.ts';
import { MAX_NAME_LENGTH, RootKey, rootMap } from './schema.ts';

export interface Member {
  readonly id: string;
  readonly name: string;
  readonly joinedAt: number;
}

export interface AddMemberOptions {
  readonly id: string;
  readonly name: string;
  readonly now: number;
}

/**
 * Adds a member, or renames one that already exists (keeping the original joinedAt so turn order
 * does not change when someone fixes a typo in their name) (APP-2).
 */
export function addMember(doc: Y.Doc, options: AddMemberOptions): void {
  const members = rootMap(doc, RootKey.Members);
  const existing = members.get(options.id);
  const joinedAt = isRecord(existing) ? readFiniteNumber(existing.joinedAt) : null;
  const name = cleanName(options.name);
  if (!name) return;
  doc.transact(
    () => members.set(options.id, { name, joinedAt: joinedAt ?? options.now }),
    localOrigin(joinedAt === null ? 'join' : 'rename'),
  );
}

/** Members in a stable order: by joinedAt, then id, so every device agrees on turn order (APP-12). */
export function readMembers(doc: Y.Doc): Member[] {
  const members: Member[] = [];
  rootMap(doc, RootKey.Members).forEach((value, id) => {
    if (!isRecord(value)) return;
    const name = readString(value.name, MAX_NAME_LENGTH);
    const joinedAt = readFiniteNumber(value.joinedAt);
    if (!name || joinedAt === null) return;
    members.push({ id, name, joinedAt });
  });
  return members.sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function findMember(doc: Y.Doc, id: string): Member | null {
  return readMembers(doc).find((member) => member.id === id) ?? null;
}
