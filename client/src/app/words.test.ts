import { describe, expect, it } from 'vitest';
import type { SessionStatus, SyncWarning } from '@seen/sync';
import { localOrigin } from '@seen/shared/doc';
import { DRAFT_COALESCE_MS, coalesceWindowFor } from './coalesceWindow.ts';
import {
  GROUP_CHOICES,
  REFUSALS,
  checkinIntro,
  checkinPendingNote,
  checkinRevealedTitle,
  checkinWaitingLine,
  describeSync,
  describeWarning,
  inviteAudience,
  inviteTitle,
  joinedDuringSession,
  listNames,
  openAnswersAnnouncement,
  othersWord,
  partnerActivity,
  passedVeilNote,
  relativeTime,
  sealAdvice,
  settledChip,
  veilHint,
  youAnd,
} from './words.ts';

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
    expect(partnerActivity({ names: ['Sam'], present: true, typing: true, lastActiveAt: null, now: NOW })).toBe('Sam is writing…');
    expect(partnerActivity({ names: ['Sam'], present: true, typing: false, lastActiveAt: null, now: NOW })).toBe('Sam is here');
    expect(partnerActivity({ names: ['Sam'], present: false, typing: false, lastActiveAt: NOW - 120_000, now: NOW })).toBe('Sam was last active 2 minutes ago');
    expect(listNames(['Sam', 'Kim', 'Lee'])).toBe('Sam, Kim and Lee');
  });
});

describe('what the sync layer noticed, in words (SPEC SYNC-9, HOST-6, SYNC-23)', () => {
  const warning = (patch: Partial<SyncWarning>): SyncWarning => ({ kind: 'missing-changes', since: null, device: null, ownDevice: false, ...patch });

  it('SYNC-9: missing changes name whose and since when', () => {
    const since = NOW - 30 * 60_000;
    expect(describeWarning(warning({ since }), NOW)).toMatch(/^Some changes from your partner since .+ today may be missing\. Nothing on this device is lost/);
    expect(describeWarning(warning({ since }), NOW, { partners: false, groupSize: 3 })).toMatch(/^Some changes from your friends since .+ may be missing\. .+ when your friends next open the room\.$/);
    expect(describeWarning(warning({ since, ownDevice: true }), NOW)).toMatch(/^Some changes made in another window on this device since .+ may be missing here\./);
    expect(describeWarning(warning({}), NOW)).toBe('Some changes from your partner may be missing. Nothing on this device is lost; they should appear when your partner next opens the room.');
  });

  it('HOST-6: a rollback says what the server did and that nothing here is lost', () => {
    expect(describeWarning(warning({ kind: 'relay-rollback', since: NOW - 60_000 }), NOW)).toMatch(/^The server sent an older copy of this room than it had before: changes from your partner since .+ were missing from it\./);
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

const PARTNERS = { names: ['Jon'], groupSize: 2, partners: true } as const;
const TWO_FRIENDS = { names: ['Jon'], groupSize: 2, partners: false } as const;
const THREE = { names: ['Jon', 'Ines'], groupSize: 3, partners: false } as const;

describe('words for the real group (APP-25)', () => {
  it('[APP-25] names are listed with Intl.ListFormat and verbs agree through Intl.PluralRules', () => {
    expect(listNames(['Jon'])).toBe('Jon');
    expect(listNames(['Jon', 'Ines'])).toBe('Jon and Ines');
    expect(listNames([])).toBe('');
    expect(partnerActivity({ names: ['Jon', 'Ines'], present: true, typing: false, lastActiveAt: null, now: NOW })).toBe('Jon and Ines are here');
    expect(partnerActivity({ names: ['Jon', 'Ines'], present: true, typing: true, lastActiveAt: null, now: NOW })).toBe('Jon and Ines are writing…');
    expect(partnerActivity({ names: ['Jon', 'Ines'], present: false, typing: false, lastActiveAt: NOW - 120_000, now: NOW })).toBe('Jon and Ines were last active 2 minutes ago');
    expect(partnerActivity({ names: ['Jon', 'Ines'], present: false, typing: false, lastActiveAt: null, now: NOW })).toBe('Jon and Ines haven’t been here yet');
    expect(youAnd(['Jon'])).toBe('You and Jon');
    expect(youAnd(['Jon', 'Ines'])).toBe('You, Jon and Ines');
    expect(youAnd([])).toBe('Just you, so far');
  });

  it('[APP-25] the veil, the reveal and the weekly chip count the people at the table', () => {
    expect(veilHint(2)).toBe('Answers stay veiled until you’ve both shared: write your own first.');
    expect(veilHint(3)).not.toMatch(/both/);
    expect(openAnswersAnnouncement(2, 2)).toBe('Both answers are open.');
    expect(openAnswersAnnouncement(2, 3)).toBe('2 of 3 answers are open.');
    expect(openAnswersAnnouncement(3, 3)).toBe('All three answers are open.');
    expect(openAnswersAnnouncement(1, 3)).toBe('');
    expect(settledChip({ answered: ['Jon'], passed: [], total: 2 })).toBe('Both answered · open');
    expect(settledChip({ answered: ['Jon', 'Ines'], passed: [], total: 3 })).toBe('All three answered · open');
    // A pass is shown as a pass, never counted as an answer.
    expect(settledChip({ answered: ['Jon'], passed: ['Ines'], total: 3 })).toBe('Jon answered · Ines passed');
    expect(settledChip({ answered: [], passed: ['Jon'], total: 2 })).toBe('Jon passed');
  });

  it('[APP-25] check-in sentences for two and for three', () => {
    expect(checkinRevealedTitle(2)).toBe('How close you both felt');
    expect(checkinRevealedTitle(3)).toBe('How close you all felt');
    expect(checkinIntro(2)).toMatch(/^One last question, just for the two of you\. Your number stays private until you’ve both answered\./);
    expect(checkinIntro(3)).toMatch(/^One last question, just for the three of you\. Your number stays private until all three of you have answered\./);
    expect(checkinPendingNote({ size: 3, closedBy: 'Jon' })).toBe('Jon closed this session. Add your check-in whenever you like — you’ll all see the numbers once all three of you have answered.');
    expect(checkinWaitingLine({ company: PARTNERS, waitingOn: [] })).toBe('Jon has checked in. Yours opens both.');
    expect(checkinWaitingLine({ company: THREE, waitingOn: [] })).toBe('Jon and Ines have checked in. Yours opens all three.');
    expect(checkinWaitingLine({ company: THREE, waitingOn: ['Ines'] })).toBe('Ines hasn’t checked in yet.');
    expect(checkinWaitingLine({ company: THREE, waitingOn: ['Jon', 'Ines'] })).toBe('Jon and Ines haven’t checked in yet.');
  });

  it('[APP-25] "partner" only in a room for two partners', () => {
    const friendly = [
      passedVeilNote(TWO_FRIENDS),
      passedVeilNote(THREE),
      othersWord(TWO_FRIENDS, 1),
      othersWord(THREE, 2),
      inviteTitle({ partners: false, missing: 2, anyoneJoined: false }),
      inviteTitle({ partners: false, missing: 1, anyoneJoined: true }),
      inviteAudience({ partners: false, missing: 1, size: 3 }),
      checkinWaitingLine({ company: { names: [], groupSize: 3, partners: false }, waitingOn: [] }),
      ...GROUP_CHOICES.filter((choice) => !choice.partners).map((choice) => choice.label),
    ];
    for (const sentence of friendly) expect(sentence).not.toMatch(/partner/i);
    expect(passedVeilNote(PARTNERS)).toBe('Your partner’s answer stays veiled unless you answer after all.');
    expect(passedVeilNote(TWO_FRIENDS)).toBe('Jon’s answer stays veiled unless you answer after all.');
    expect(passedVeilNote(THREE)).toBe('Answers from Jon and Ines stay veiled unless you answer after all.');
    expect(inviteTitle({ partners: true, missing: 1, anyoneJoined: false })).toBe('Invite your partner');
    expect(inviteTitle({ partners: false, missing: 2, anyoneJoined: false })).toBe('Invite two friends');
    expect(inviteTitle({ partners: false, missing: 1, anyoneJoined: true })).toBe('Invite one more friend');
    expect(inviteAudience({ partners: false, missing: 1, size: 3 })).toBe('the friend still to join');
    expect(inviteAudience({ partners: false, missing: 2, size: 3 })).toBe('the two friends still to join');
    expect(inviteAudience({ partners: false, missing: 0, size: 3 })).toBe('the three of you');
    expect(othersWord(PARTNERS, 1)).toBe('your partner');
  });

  it('[APP-24] sealing is advised only once everyone the room is for has joined', () => {
    expect(sealAdvice({ joined: 2, size: 2 })).toMatch(/^Once you’re both in, sealing stops anyone else/);
    expect(sealAdvice({ joined: 2, size: 3 })).toBe(
      'Two of the three people this room is for have joined. Sealing now would lock out whoever hasn’t joined yet, so it’s offered once all three of you are in.',
    );
    expect(sealAdvice({ joined: 3, size: 3 })).toMatch(/^Now all three of you are in, sealing stops anyone else/);
  });
});

describe('joining during a session (SEALED-12)', () => {
  it('SEALED-12 the late friend is told whose cards these are and that the next ones are for everyone, by name and number', () => {
    expect(joinedDuringSession({ drawer: 'Maya', participants: ['Maya', 'Jon'], memberCount: 3 })).toEqual({
      title: 'You joined during this session',
      body: 'You’ll start with the next one — the cards Maya drew before you came stay between the two of them. When Maya and Jon close it, the next cards are for all three of you.',
    });
    const four = joinedDuringSession({ drawer: null, participants: ['Maya', 'Jon', 'Ines'], memberCount: 5 }).body;
    expect(four).toContain('the cards drawn before you came stay between the three of them');
    expect(four).toContain('When Maya, Jon and Ines close it, the next cards are for all five of you.');
    expect(four).not.toMatch(/partner/i);
  });
});
