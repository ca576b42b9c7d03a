import { describe, expect, it } from 'vitest';
import type { SessionStatus, SyncWarning } from '@seen/sync';
import { localOrigin } from '@seen/shared/doc';
import { DRAFT_COALESCE_MS, coalesceWindowFor } from './coalesceWindow.ts';
import { REFUSALS, describeSync, describeWarning, listNames, partnerActivity, relativeTime } from './words.ts';

const base: SessionStatus = {
  phase: 'synced', refusal: null, pendingAcks: 0, lastSavedAt: null, partnerLastActiveAt: null,
  sealed: false, deviceCount: 2, saved: true, warnings: [], quotaExceeded: false,
};
const NOW = 1_750_000_000_000;

describe('status in words', () => {
  it('[APP-22] every sync phase has a label and a sentence', () => {
    expect(describeSync({ ...base, phase: 'offline' }, NOW)).toMatchObject({ tone: 'offline', label: 'Offline' });
    expect(describeSync({ ...base, phase: 'offline', offlineReason: 'room-busy' }, NOW)).toMatchObject({ label: 'Reconnecting…', detail: expect.stringMatching(/too many windows/) });
    // The device knows it has no network before the socket does.
    expect(describeSync(base, NOW, false)).toMatchObject({ tone: 'offline', label: 'Offline' });
    expect(describeSync({ ...base, phase: 'connecting' }, NOW).tone).toBe('syncing');
    expect(describeSync({ ...base, pendingAcks: 2 }, NOW)).toMatchObject({ tone: 'syncing', label: 'Saving…' });
    expect(describeSync({ ...base, lastSavedAt: NOW - 5 * 60_000 }, NOW)).toMatchObject({ tone: 'saved', detail: 'Saved to the server 5 minutes ago.' });
    expect(describeSync({ ...base, phase: 'refused', refusal: 'deleted' }, NOW)).toMatchObject({ tone: 'problem', detail: REFUSALS.deleted.title });
  });

  it('[APP-22] every refusal says what happened and what to do', () => {
    for (const refusal of Object.values(REFUSALS)) {
      expect(refusal.title.length).toBeGreaterThan(5);
      expect(refusal.body).toMatch(/\./);
    }
  });

  it('[APP-22] partner activity and relative time read naturally', () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe('just now');
    expect(relativeTime(NOW - 60 * 60_000, NOW)).toBe('an hour ago');
    expect(relativeTime(NOW - 26 * 3600_000, NOW)).toBe('yesterday');
    expect(relativeTime(NOW - 3 * 86400_000, NOW)).toBe('3 days ago');
    expect(partnerActivity({ names: 'Sam', present: true, typing: true, lastActiveAt: null, now: NOW })).toBe('Sam is writing…');
    expect(partnerActivity({ names: 'Sam', present: true, typing: false, lastActiveAt: null, now: NOW })).toBe('Sam is here');
    expect(partnerActivity({ names: 'Sam', present: false, typing: false, lastActiveAt: NOW - 120_000, now: NOW })).toBe('Sam was last active 2 minutes ago');
    expect(listNames(['Sam', 'Kim', 'Lee'])).toBe('Sam, Kim and Lee');
  });
});

describe('what the sync layer noticed, in words (SPEC SYNC-9, HOST-6, SYNC-23)', () => {
  const warning = (patch: Partial<SyncWarning>): SyncWarning => ({ kind: 'missing-changes', since: null, device: null, ownDevice: false, ...patch });

  it('SYNC-9: missing changes name whose and since when', () => {
    const since = NOW - 30 * 60_000;
    expect(describeWarning(warning({ since }), NOW)).toMatch(/^Some of your partner’s changes since .+ today may be missing\. Nothing on this device is lost/);
    expect(describeWarning(warning({ since, ownDevice: true }), NOW)).toMatch(/^Some changes made in another window on this device since .+ may be missing here\./);
    expect(describeWarning(warning({}), NOW)).toBe('Some of your partner’s changes may be missing. Nothing on this device is lost; they should appear when your partner next opens the room.');
  });

  it('HOST-6: a rollback says what the server did and that nothing here is lost', () => {
    expect(describeWarning(warning({ kind: 'relay-rollback', since: NOW - 60_000 }), NOW)).toMatch(/^The server sent an older copy of this room than it had before: your partner’s changes since .+ were missing from it\./);
    expect(describeWarning(warning({ kind: 'relay-rollback' }), NOW)).toMatch(/^The server sent an older copy of this room than it had before\. Nothing on this device is lost/);
  });

  it('every kind of warning has its own sentence that ends calmly', () => {
    const kinds: SyncWarning['kind'][] = ['foreign-data', 'tampered-data', 'misplaced-data', 'unappliable-change', 'unreadable-frame', 'refused-change', 'change-too-large'];
    const sentences = kinds.map((kind) => describeWarning(warning({ kind }), NOW));
    expect(new Set(sentences).size).toBe(kinds.length);
    for (const sentence of sentences) expect(sentence).toMatch(/\.$/);
  });

  it('SYNC-23: a full room says that writing waits here and is sent once there is room', () => {
    expect(describeSync({ ...base, quotaExceeded: true, pendingAcks: 3, saved: false }, NOW)).toMatchObject({
      tone: 'problem',
      label: 'Room is full',
      detail: expect.stringMatching(/stays on this device and is sent, in order, as soon as the room has space again/),
    });
  });
});

describe('which local updates wait to be merged (SPEC SYNC-24)', () => {
  it('SYNC-24: draft typing waits; sharing, reactions and moving on leave at once', () => {
    expect(coalesceWindowFor(localOrigin('draft'))).toBe(DRAFT_COALESCE_MS);
    for (const reason of ['submit', 'pass', 'reaction', 'reply', 'ready', 'checkin', 'depth'] as const) expect(coalesceWindowFor(localOrigin(reason))).toBe(0);
    expect(coalesceWindowFor(null)).toBe(0);
  });
});
