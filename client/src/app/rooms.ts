// Room lifecycle on this device: create, join, leave, delete. Each step writes the document through
// shared/doc and remembers (or forgets) the room in roomStore.
import { addMember, createRoom, readMembers, readRoom, type RoomMode } from '@seen/shared/doc';
import type { RoomSession } from '@seen/sync';
import { randomId } from './ids.ts';
import { memberIdForDeviceKey, vaultFor } from './answerRelease.ts';
import { encodeSecret, generateRoomSecret, prepareRoomKeys, type RoomSecret } from './invite.ts';
import { clearPendingInvite } from './inviteFragment.ts';
import { acquireRoomSession, clearLocalRoomData, newDeviceKeyAsync } from './openRoom.ts';
import { forgetRoom, saveRoom, updateRoom } from './roomStore.ts';
import { forgetNotice } from '../push/noticeBook.ts';
import { forgetNudgeState, readNudgeState } from '../push/nudgeChoice.ts';

export async function createNewRoom(options: { yourName: string; roomName: string; deckId: string; mode: RoomMode; groupSize?: number; partners?: boolean }): Promise<string> {
  const secret = generateRoomSecret();
  const { roomId } = await prepareRoomKeys(secret);
  const deviceKey = await newDeviceKeyAsync();
  const handle = acquireRoomSession(secret, deviceKey);
  try {
    await handle.session.whenLocalLoaded();
    // The member id names this device (SEALED-7): only devices it approves can be this member.
    const memberId = memberIdForDeviceKey(deviceKey);
    const now = Date.now();
    createRoom(handle.session.doc, {
      name: options.roomName,
      deckId: options.deckId,
      mode: options.mode,
      seed: randomId(16),
      now,
      member: { id: memberId, name: options.yourName },
      groupSize: options.groupSize,
      partners: options.partners,
    });
    vaultFor(handle.session, memberId, deviceKey).enroll(now);
    await saveRoom({
      roomId,
      secret: encodeSecret(secret),
      name: readRoom(handle.session.doc).name,
      memberId,
      memberName: options.yourName.trim(),
      partnerName: null,
      lastActivityAt: now,
      joinedAt: now,
      deviceKey,
    });
    return roomId;
  } finally {
    handle.release();
  }
}

/**
 * Joins as a new member, or (memberId given) as an existing member on another device: that one
 * waits in the room until one of the member's devices approves it (SEALED-7).
 */
export async function joinRoom(options: { session: RoomSession; secret: RoomSecret; deviceKey: string; name: string; memberId?: string }): Promise<string> {
  const { session, secret } = options;
  const now = Date.now();
  const memberId = options.memberId ?? memberIdForDeviceKey(options.deviceKey);
  if (!options.memberId) {
    addMember(session.doc, { id: memberId, name: options.name, now });
    vaultFor(session, memberId, options.deviceKey).enroll(now);
  }
  const members = readMembers(session.doc);
  const me = members.find((member) => member.id === memberId);
  const others = members.filter((member) => member.id !== memberId);
  await saveRoom({
    roomId: session.roomId,
    secret: encodeSecret(secret),
    name: readRoom(session.doc).name,
    memberId,
    memberName: me?.name ?? options.name.trim(),
    partnerName: others.map((member) => member.name).join(', ') || null,
    lastActivityAt: now,
    joinedAt: now,
    deviceKey: options.deviceKey,
  });
  clearPendingInvite();
  return session.roomId;
}

/** Forget the room on this device only: its secret, its stored document. Others keep theirs (APP-19). */
export async function leaveRoom(roomId: string): Promise<void> {
  await forgetRoom(roomId);
  await clearLocalRoomData(roomId);
  // A push that still arrives for the room gets the generic words: its name is gone from here too.
  const nudges = await readNudgeState(roomId).catch(() => null);
  await Promise.all([forgetNotice(roomId), forgetNudgeState(roomId)]).catch(() => undefined);
  // The last room with nudges on is gone: so is the browser's push subscription.
  if (nudges?.choice === 'on') await import('../push/nudgeDevice.ts').then((device) => device.cancelUnusedSubscription()).catch(() => undefined);
}

/** Erase the room on the server for everyone, then forget it here (APP-19). */
export async function deleteRoomForEveryone(session: RoomSession): Promise<void> {
  await session.deleteRoom();
  await leaveRoom(session.roomId);
}

export async function touchRoom(roomId: string, patch: Parameters<typeof updateRoom>[1]): Promise<void> {
  await updateRoom(roomId, patch);
}

/**
 * Why a room this device no longer remembers went away, for the rest of this page's life: the room
 * screen shows it instead of a bare "unknown room".
 */
export type Farewell = 'deleted-by-you' | 'deleted-by-partner' | 'left';
const farewells = new Map<string, Farewell>();

export function noteFarewell(roomId: string, reason: Farewell): void {
  farewells.set(roomId, reason);
}

export function readFarewell(roomId: string): Farewell | null {
  return farewells.get(roomId) ?? null;
}
