import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, readMembers } from './members.ts';
import { migrateDoc } from './migrations.ts';
import { isAppOrigin, localOrigin } from './origins.ts';
import { createRoom, isRoomInitialised, readRoom, setRoomMode } from './room.ts';
import { SCHEMA_VERSION } from './schema.ts';
import { ALEX, SAM, T0, createCoupleDoc } from './testRoom.ts';

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
    });
    expect(readMembers(doc)).toEqual([{ id: ALEX.id, name: 'Alex', joinedAt: T0 }]);
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
});
