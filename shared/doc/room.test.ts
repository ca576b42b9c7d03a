import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, readMembers } from './members.ts';
import { migrateDoc } from './migrations.ts';
import { isAppOrigin, localOrigin } from './origins.ts';
import { DEFAULT_ESCROW_DAYS, MAX_ESCROW_DAYS, MAX_GROUP_SIZE, createRoom, isRoomInitialised, readRoom, setEscrowDays, setRoomGroup, setRoomMode } from './room.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { ALEX, SAM, T0, createCoupleDoc, createTrioDoc } from './testRoom.ts';

describe('room and members', () => {
  it('[APP-1] creating a room writes settings, schema version and the creator in one transaction', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    createRoom(doc, { name: '  Sunday   evenings ', deckId: 'partners', mode: 'live', seed: 's', now: T0, member: ALEX });
    expect(origins).toEqual([localOrigin('create-room')]);
    expect(isRoomInitialised(doc)).toBe(true);
    expect(readRoom(doc)).toEqual({
      name: 'Sunday evenings', deckId: 'partners', mode: 'live', createdAt: T0, createdBy: ALEX.id, seed: 's', schemaVersion: SCHEMA_VERSION,
      groupSize: 2, partners: true, escrowDays: DEFAULT_ESCROW_DAYS,
    });
    expect(readMembers(doc)).toEqual([{ id: ALEX.id, name: 'Alex', joinedAt: T0 }]);
  });

  it('[APP-24] a room knows how many people it is for; old rooms are for two partners; the size can change', () => {
    const trio = createTrioDoc();
    expect(readRoom(trio)).toMatchObject({ groupSize: 3, partners: false });
    // Never below the members already in, never above the relay's device cap, partners only for two.
    setRoomGroup(trio, { groupSize: 2, partners: true, memberCount: 3 });
    expect(readRoom(trio)).toMatchObject({ groupSize: 3, partners: false });
    setRoomGroup(trio, { groupSize: 40, partners: false, memberCount: 3 });
    expect(readRoom(trio)).toMatchObject({ groupSize: MAX_GROUP_SIZE, partners: false });
    const couple = createCoupleDoc();
    setRoomGroup(couple, { groupSize: 2, partners: false, memberCount: 2 });
    expect(readRoom(couple)).toMatchObject({ groupSize: 2, partners: false });
    // A room written before APP-24 has neither field, and was made for two partners.
    const old = new Y.Doc();
    old.getMap('room').set('seed', 's');
    expect(readRoom(old)).toMatchObject({ groupSize: 2, partners: true });
    old.getMap('room').set('groupSize', 'three');
    expect(readRoom(old)).toMatchObject({ groupSize: 2, partners: true });
  });

  it('[APP-2] joining adds a member; joining again with the same id renames but keeps the turn order', () => {
    const doc = createCoupleDoc();
    addMember(doc, { id: SAM.id, name: 'Samira', now: T0 + 99_000 });
    expect(readMembers(doc).map((m) => [m.id, m.name, m.joinedAt])).toEqual([
      [ALEX.id, 'Alex', T0],
      [SAM.id, 'Samira', T0 + 1000],
    ]);
  });

  it('[APP-20] every write carries a named app origin', () => {
    const doc = createCoupleDoc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    setRoomMode(doc, 'live');
    addMember(doc, { id: 'm-kim', name: 'Kim', now: T0 });
    expect(origins).toHaveLength(2);
    expect(origins.every(isAppOrigin)).toBe(true);
    expect(isAppOrigin('remote')).toBe(false);
  });

  it('[APP-21] a room from another app version reads with defaults instead of throwing', () => {
    const doc = new Y.Doc();
    const room = doc.getMap('room');
    room.set('name', 7);
    room.set('mode', 'telepathy');
    doc.getMap('members').set('m-x', { name: ['?'], joinedAt: 'soon' });
    doc.getMap('members').set('m-y', null);
    expect(readRoom(doc)).toMatchObject({ name: '', mode: 'weekly', deckId: null, seed: '' });
    expect(readMembers(doc)).toEqual([]);
    expect(isRoomInitialised(doc)).toBe(false);
  });

  it('[APP-21] migrations run in order once; a newer document is left untouched', () => {
    const doc = createCoupleDoc();
    expect(migrateDoc(doc)).toEqual({ status: 'current', version: SCHEMA_VERSION });
    const ran: number[] = [];
    const migrations = [
      { to: 3, migrate: () => ran.push(3) },
      { to: 2, migrate: (d: Y.Doc) => { ran.push(2); d.getMap('room').set('migratedTo2', true); } },
    ];
    expect(migrateDoc(doc, migrations, 3)).toEqual({ status: 'migrated', from: 1, to: 3 });
    expect(ran).toEqual([2, 3]);
    expect(migrateDoc(doc, migrations, 3)).toEqual({ status: 'current', version: 3 });
    expect(ran).toEqual([2, 3]);
    expect(migrateDoc(doc)).toEqual({ status: 'newer', version: 3 });
    expect(migrateDoc(new Y.Doc())).toEqual({ status: 'uninitialised' });
  });

  it('SEALED-9 the room chooses how long escrowed keys wait: 60 days unless it did, within what the relay takes', () => {
    const doc = createCoupleDoc();
    expect(readRoom(doc).escrowDays).toBe(DEFAULT_ESCROW_DAYS);
    setEscrowDays(doc, 14);
    expect(readRoom(doc).escrowDays).toBe(14);
    setEscrowDays(doc, 10_000);
    expect(readRoom(doc).escrowDays).toBe(MAX_ESCROW_DAYS);
    // Garbage from another version reads as the default.
    doc.getMap('room').set('escrowDays', 'forever');
    expect(readRoom(doc).escrowDays).toBe(DEFAULT_ESCROW_DAYS);
  });
});
