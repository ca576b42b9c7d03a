import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../sync/RoomSession.ts';
import {
  GROUP_CHOICES,
  REFUSALS,
  checkinIntro,
  checkinPendingNote,
  checkinRevealedTitle,
  checkinWaitingLine,
  describeSync,
  inviteAudience,
  inviteTitle,
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
  sealed: false, deviceCount: 2, warnings: [], quotaExceeded: false,
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

