import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, isPermanentClose } from '@seen/shared/protocol';
import { connectFastClient, createFastRoom, startTestRelay, type FastClient, type TestRelay } from '@seen/server/testing';
import { waitFor } from '@seen/shared/testing';
import { offlineReasonForClose, refusalForClose } from './closeReasons.ts';
import { generateRoomSecret, openTestSession } from './testing/testSession.ts';
import type { RoomSessionInternals } from './createRoomSession.ts';

const SERVER_SRC = join(dirname(fileURLToPath(import.meta.url)), '../../server/src');

/** Every CLOSE.X the relay's source can send (relay/, room/, startRelay.ts, … in every folder). */
function closeCodesTheRelaySends(): number[] {
  const names = new Set<string>();
  for (const file of readdirSync(SERVER_SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    for (const match of readFileSync(join(SERVER_SRC, file), 'utf8').matchAll(/CLOSE\.([A-Z_]+)/g)) names.add(match[1]!);
  }
  return [...names].map((name) => {
    const code = (CLOSE as Record<string, number>)[name];
    if (code === undefined) throw new Error(`server uses CLOSE.${name}, which is not in shared/protocol`);
    return code;
  });
}

describe('close codes reach the user as a reason (SPEC ABUSE-7, SYNC-12)', () => {
  it('ABUSE-7: every close code the relay can send maps to a refusal (permanent) or a named offline reason (transient)', () => {
    const sent = closeCodesTheRelaySends();
    expect(sent.length).toBeGreaterThanOrEqual(10);
    for (const code of sent) {
      if (isPermanentClose(code)) {
        expect(refusalForClose(code), `refusal for ${code}`).not.toBeNull();
        expect(offlineReasonForClose(code)).toBeNull();
        // Only a protocol violation may fall back to the generic 'protocol' reason.
        if (code !== CLOSE.PROTOCOL_VIOLATION) expect(refusalForClose(code)).not.toBe('protocol');
      } else {
        expect(refusalForClose(code)).toBeNull();
        expect(offlineReasonForClose(code), `offline reason for ${code}`).not.toBeNull();
        // A relay code never reads as a vague network drop.
        if (code !== CLOSE.NORMAL) expect(offlineReasonForClose(code)).not.toBe('network');
      }
    }
  });

  it('ABUSE-7: every code in CLOSE is covered, distinct codes give distinct reasons, and a dropped network is "network"', () => {
    const reasons = Object.values(CLOSE).map((code) => refusalForClose(code) ?? offlineReasonForClose(code));
    expect(reasons.every((reason) => reason !== null)).toBe(true);
    const named = Object.values(CLOSE).filter((code) => code !== CLOSE.NORMAL && code !== CLOSE.PROTOCOL_VIOLATION);
    expect(new Set(named.map((code) => refusalForClose(code) ?? offlineReasonForClose(code))).size).toBe(named.length);
    expect(offlineReasonForClose(1006)).toBe('network');
  });
});

describe('a rate-limited or refused connection shows why (SPEC ABUSE-7)', () => {
  let relay: TestRelay | null = null;
  const sessions: RoomSessionInternals[] = [];
  const blockers: FastClient[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    for (const blocker of blockers.splice(0)) blocker.close();
    await relay?.close();
    relay = null;
  });

  it('ABUSE-7: too many connections from this address shows phase offline with reason too-many-connections, then recovers by itself', async () => {
    relay = await startTestRelay({ storage: 'memory', limits: { maxConnectionsPerIp: 1 } });
    const blocker = connectFastClient({ wsUrl: relay.wsUrl, room: createFastRoom() });
    blockers.push(blocker);
    await blocker.ready;
    const session = openTestSession(relay.wsUrl, generateRoomSecret());
    sessions.push(session);
    await waitFor(() => session.getStatus().offlineReason === 'too-many-connections', { what: 'the reason' });
    expect(session.getStatus().phase).toBe('offline');
    blocker.close();
    await session.whenSynced();
    expect(session.getStatus().offlineReason).toBeNull();
  });
});
