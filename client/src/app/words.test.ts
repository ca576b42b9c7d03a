import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '@seen/sync';
import { REFUSALS, describeSync, listNames, partnerActivity, relativeTime } from './words.ts';

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
