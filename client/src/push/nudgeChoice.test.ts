import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { leaveRoom } from '../app/rooms.ts';
import { readNotice, writeNotice } from './noticeBook.ts';
import { forgetNudgeState, listRoomsWithNudges, readNudgeState, writeNudgeState } from './nudgeChoice.ts';

describe('the nudge choice on this device (APP-33, APP-34)', () => {
  it('APP-34 is kept per room: on, off (with the relay still to be told) or dismissed; only rooms with nudges on are listed', async () => {
    expect(await readNudgeState('room-a')).toBeNull();
    await writeNudgeState('room-a', { choice: 'on', unregisterPending: false });
    await writeNudgeState('room-b', { choice: 'off', unregisterPending: true });
    await writeNudgeState('room-c', { choice: 'dismissed', unregisterPending: false });
    expect(await readNudgeState('room-b')).toEqual({ choice: 'off', unregisterPending: true });
    expect(await listRoomsWithNudges()).toEqual(['room-a']);
    await forgetNudgeState('room-a');
    expect(await listRoomsWithNudges()).toEqual([]);
  });

  it('APP-32 leaving a room forgets its notice-book entry and its nudge choice on this device', async () => {
    await writeNotice({ roomId: 'room-left', roomName: 'Us', others: ['Sam'], partners: true, groupSize: 2, ritual: null });
    await writeNudgeState('room-left', { choice: 'dismissed', unregisterPending: false });
    await leaveRoom('room-left');
    expect(await readNotice('room-left')).toBeNull();
    expect(await readNudgeState('room-left')).toBeNull();
  });
});
