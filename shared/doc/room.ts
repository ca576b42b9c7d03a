import type * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { readFiniteNumber, readIntInRange, readString } from './parse.ts';
import {
  MAX_NAME_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  RootKey,
  SCHEMA_VERSION,
  readMode,
  rootMap,
  type RoomMode,
} from './schema.ts';

export interface RoomInfo {
  readonly name: string;
  readonly deckId: string | null;
  readonly mode: RoomMode;
  readonly createdAt: number | null;
  readonly createdBy: string | null;
  /** Shared randomness both devices use to draw the same cards (APP-9). */
  readonly seed: string;
  readonly schemaVersion: number | null;
  /** How many people the room is for (APP-24); rooms from before it count as two. */
  readonly groupSize: number;
  /** A room for two partners (the app says "partner" only then); otherwise a group of friends (APP-24). */
  readonly partners: boolean;
  /** How long the relay keeps a shared answer's escrowed key for those who answer later (SEALED-9). */
  readonly escrowDays: number;
}

/** The relay keeps a deposit 1–366 days (PROTOCOL.md §3b); the room chooses, 60 unless it did. */
export const DEFAULT_ESCROW_DAYS = 60;
export const MIN_ESCROW_DAYS = 1;
export const MAX_ESCROW_DAYS = 366;

/** A room is for two to six people: six is the relay's device cap (PROTOCOL.md "Limits"). */
export const MIN_GROUP_SIZE = 2;
export const MAX_GROUP_SIZE = 6;

export interface CreateRoomOptions {
  readonly name: string;
  readonly deckId: string;
  readonly mode: RoomMode;
  readonly seed: string;
  readonly now: number;
  readonly member: { readonly id: string; readonly name: string };
  /** Defaults to a room for two partners. */
  readonly groupSize?: number;
  readonly partners?: boolean;
}

export function cleanName(name: string, maxLength = MAX_NAME_LENGTH): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, maxLength);
}

/** Writes the room's initial settings and its first member in one transaction (APP-1). */
export function createRoom(doc: Y.Doc, options: CreateRoomOptions): void {
  doc.transact(() => {
    const room = rootMap(doc, RootKey.Room);
    room.set('name', cleanName(options.name, MAX_ROOM_NAME_LENGTH));
    room.set('deckId', options.deckId);
    room.set('mode', options.mode);
    room.set('createdAt', options.now);
    room.set('createdBy', options.member.id);
    room.set('seed', options.seed);
    room.set('schemaVersion', SCHEMA_VERSION);
    const groupSize = clampGroupSize(options.groupSize ?? MIN_GROUP_SIZE);
    room.set('groupSize', groupSize);
    room.set('partners', groupSize === 2 && (options.partners ?? true));
    rootMap(doc, RootKey.Members).set(options.member.id, {
      name: cleanName(options.member.name),
      joinedAt: options.now,
    });
  }, localOrigin('create-room'));
}

/** True once the room's creator (or a synced copy of their document) has written the room. */
export function isRoomInitialised(doc: Y.Doc): boolean {
  return readString(rootMap(doc, RootKey.Room).get('seed')) !== null;
}

export function readRoom(doc: Y.Doc): RoomInfo {
  const room = rootMap(doc, RootKey.Room);
  return {
    name: readString(room.get('name'), MAX_ROOM_NAME_LENGTH) ?? '',
    deckId: readString(room.get('deckId'), 200),
    mode: readMode(room.get('mode')) ?? 'weekly',
    createdAt: readFiniteNumber(room.get('createdAt')),
    createdBy: readString(room.get('createdBy'), 200),
    seed: readString(room.get('seed'), 200) ?? '',
    schemaVersion: readFiniteNumber(room.get('schemaVersion')),
    ...readGroup(room),
    escrowDays: readIntInRange(room.get('escrowDays'), MIN_ESCROW_DAYS, MAX_ESCROW_DAYS) ?? DEFAULT_ESCROW_DAYS,
  };
}

function clampGroupSize(size: number): number {
  return Math.min(MAX_GROUP_SIZE, Math.max(MIN_GROUP_SIZE, Math.round(size)));
}

// Rooms written before APP-24 have neither field: they were made for two partners.
function readGroup(room: Y.Map<unknown>): { groupSize: number; partners: boolean } {
  const groupSize = readIntInRange(room.get('groupSize'), MIN_GROUP_SIZE, MAX_GROUP_SIZE) ?? MIN_GROUP_SIZE;
  const partners = groupSize === 2 && room.get('partners') !== false;
  return { groupSize, partners };
}

/**
 * Changes who the room is for (APP-24). The size never goes below the members already in the room,
 * and only a room for two can be a room for partners.
 */
export function setRoomGroup(doc: Y.Doc, options: { readonly groupSize: number; readonly partners: boolean; readonly memberCount: number }): void {
  const groupSize = clampGroupSize(Math.max(options.groupSize, options.memberCount));
  doc.transact(() => {
    const room = rootMap(doc, RootKey.Room);
    room.set('groupSize', groupSize);
    room.set('partners', groupSize === 2 && options.partners);
  }, localOrigin('settings'));
}

/** How long answer keys wait at the relay for the members who answer later (SEALED-9); clamped to what the relay takes. */
export function setEscrowDays(doc: Y.Doc, days: number): void {
  const clamped = Math.min(MAX_ESCROW_DAYS, Math.max(MIN_ESCROW_DAYS, Math.round(days)));
  doc.transact(() => rootMap(doc, RootKey.Room).set('escrowDays', clamped), localOrigin('settings'));
}

export function setRoomMode(doc: Y.Doc, mode: RoomMode): void {
  doc.transact(() => rootMap(doc, RootKey.Room).set('mode', mode), localOrigin('settings'));
}

export function renameRoom(doc: Y.Doc, name: string): void {
  const cleaned = cleanName(name, MAX_ROOM_NAME_LENGTH);
  if (!cleaned) return;
  doc.transact(() => rootMap(doc, RootKey.Room).set('name', cleaned), localOrigin('rename'));
}
