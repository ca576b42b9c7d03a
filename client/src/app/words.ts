// Every sentence the app says about state and failure, in one place so the wording stays calm and
// consistent: what happened, and what to do, never a bare code.
import type { Reaction } from '@seen/shared/doc';
import type { OfflineReason, RefusalReason, SessionStatus, SyncWarning } from '@seen/sync';
import { describeSince } from './describeSince.ts';

export interface Refusal {
  readonly title: string;
  readonly body: string;
  /** Forgetting the room on this device is the sensible next step. */
  readonly suggestForget: boolean;
}

/** The banner a new build of the app raises (components/UpdateBanner.tsx); only the button reloads. */
export const UPDATE_READY = {
  label: 'New version',
  text: 'A new version of Seen is ready —',
  action: 'Reload',
} as const;

export const REFUSALS: Readonly<Record<RefusalReason, Refusal>> = {
  'auth-failed': {
    title: 'This link doesn’t open a room here',
    body: 'The link may have been cut off or changed on its way to you, or the room lives on a different server. Ask for the invite link again and open it exactly as sent.',
    suggestForget: true,
  },
  sealed: {
    title: 'This room is sealed',
    body: 'Its members sealed it so no new devices can join by this link. If it is your room, open Room & data on a device of yours that is in it, choose “Add a device of yours”, and open that link here.',
    suggestForget: true,
  },
  deleted: {
    title: 'This room was deleted',
    body: 'One of its members deleted it for everyone. Nothing of it is left on the server, and this device has let it go too.',
    suggestForget: true,
  },
  'device-removed': {
    title: 'This device was removed from the room',
    body: 'Another device in the room removed this one, as is done for a lost phone. The server no longer lets it in, and nothing written since reaches it. If this is your device, forget the room here, open the invite link again, and approve this device from your other one.',
    suggestForget: true,
  },
  'room-full': {
    title: 'This room is full',
    body: 'It already has as many devices as it can hold. If one of them is yours, open the room there; otherwise ask someone in it to start a new room.',
    suggestForget: true,
  },
  'too-large': {
    title: 'That was too large to save',
    body: 'Something you wrote is bigger than the server accepts. Your text is still here on this device; shorten it and it will save.',
    suggestForget: false,
  },
  version: {
    title: 'Seen needs an update',
    body: 'This page and the server are different versions. Reload the page to get the new version; everything you wrote is kept on this device.',
    suggestForget: false,
  },
  protocol: {
    title: 'Something went wrong talking to the server',
    body: 'The server and this page disagreed. Reload the page; your writing is safe on this device. If it keeps happening, the server may need updating.',
    suggestForget: false,
  },
};

/** Why the connection is down for now, and that nothing is lost meanwhile. */
export const OFFLINE_REASONS: Readonly<Record<OfflineReason, string>> = {
  network: 'Can’t reach the server. Everything you write is kept on this device and syncs when you’re back.',
  'relay-restarting': 'The server is restarting. Trying again in a moment; your writing is kept here.',
  'relay-busy': 'The server is busy right now. Trying again shortly; nothing you write is lost.',
  'rate-limited': 'Lots of changes at once, so the server asked for a pause. Trying again shortly; nothing is lost.',
  'too-many-connections': 'Too many connections from this network right now. Trying again shortly; your writing is kept here.',
  'room-busy': 'This room is open in too many windows. Close one you aren’t using; this one keeps trying.',
  'slow-handshake': 'The connection is too slow to finish connecting. Trying again; your writing is kept here.',
};

export type SyncTone = 'saved' | 'syncing' | 'offline' | 'problem';

export interface SyncWords {
  readonly tone: SyncTone;
  readonly label: string;
  readonly detail: string;
}

export function describeSync(status: SessionStatus, now: number, deviceOnline = true): SyncWords {
  const phase = !deviceOnline && status.phase !== 'refused' ? 'offline' : status.phase;
  switch (phase) {
    case 'refused':
      return { tone: 'problem', label: 'Not connected', detail: status.refusal ? REFUSALS[status.refusal].title : 'The server refused this room.' };
    case 'offline': {
      const reason = deviceOnline ? (status.offlineReason ?? 'network') : 'network';
      return { tone: 'offline', label: reason === 'network' ? 'Offline' : 'Reconnecting…', detail: OFFLINE_REASONS[reason] };
    }
    case 'connecting':
      return { tone: 'syncing', label: 'Connecting…', detail: 'Finding the server. You can keep writing; nothing is lost.' };
    case 'syncing':
      return { tone: 'syncing', label: 'Syncing…', detail: 'Bringing this device and the server up to date.' };
    case 'synced':
      if (status.quotaExceeded) {
        return {
          tone: 'problem',
          label: 'Room is full',
          detail: 'The server’s storage for this room is full. New writing stays on this device and is sent, in order, as soon as the room has space again; Seen makes space by compacting the room’s history.',
        };
      }
      if (status.pendingAcks > 0) {
        return { tone: 'syncing', label: 'Saving…', detail: 'Sending your latest changes to the server.' };
      }
      return {
        tone: 'saved',
        label: 'Saved',
        detail: status.lastSavedAt ? `Saved to the server ${relativeTime(status.lastSavedAt, now)}.` : 'Up to date with the server.',
      };
  }
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago", "on 4 March". */
export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'a minute ago' : `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return hours === 1 ? 'an hour ago' : `${hours} hours ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return `on ${formatDate(at)}`;
}

// toLocaleDateString with options builds a new formatter (ICU's locale data) on every call: a room's
// screens format dozens of dates, so each format is made once, on first use (not at module load,
// which is on the way to the first paint).
let thisYearFormat: Intl.DateTimeFormat | null = null;
let otherYearFormat: Intl.DateTimeFormat | null = null;

export function formatDate(at: number): string {
  const date = new Date(at);
  if (date.getFullYear() === new Date().getFullYear()) {
    thisYearFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long' });
    return thisYearFormat.format(date);
  }
  otherYearFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
  return otherYearFormat.format(date);
}

// Sentences about people take the real names and number (APP-25): lists and plurals come from Intl,
// never from string joins, and "partner" is said only in a room for two partners.
const NAME_LIST = new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' });
const PLURALS = new Intl.PluralRules('en-GB');
const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'] as const;

/** "Sam", "Sam and Kim", "Sam, Kim and Lee". */
export function listNames(names: readonly string[]): string {
  return NAME_LIST.format(names);
}

/** Picks the singular or plural form for a count ("is" / "are"). */
export function plural(count: number, one: string, other: string): string {
  return PLURALS.select(count) === 'one' ? one : other;
}

/** "two", "three"… for the small numbers a room has; digits beyond ten. */
export function countWord(count: number): string {
  return NUMBER_WORDS[count] ?? String(count);
}

export function capitalise(text: string): string {
  return text.replace(/^./, (first) => first.toUpperCase());
}

/** Who a sentence is about: the other members' names, and what kind of room it is. */
export interface Company {
  /** Names of the other members, in turn order. */
  readonly names: readonly string[];
  /** How many people the room is for (APP-24). */
  readonly groupSize: number;
  /** A room for two partners: the only room where the words say "partner". */
  readonly partners: boolean;
}

/** "you’ve both" for two, "all three of you have" for more. */
function everyoneHas(size: number): string {
  return size <= 2 ? 'you’ve both' : `all ${countWord(size)} of you have`;
}

/** "your partner", "your friend", "your friends": for when no name is known yet. */
export function othersWord(company: Pick<Company, 'partners'>, count: number): string {
  if (company.partners) return 'your partner';
  return plural(count, 'your friend', 'your friends');
}

export function partnerActivity(options: { names: readonly string[]; present: boolean; typing: boolean; lastActiveAt: number | null; now: number }): string {
  const names = listNames(options.names);
  const count = options.names.length;
  if (options.typing) return `${names} ${plural(count, 'is', 'are')} writing…`;
  if (options.present) return `${names} ${plural(count, 'is', 'are')} here`;
  if (options.lastActiveAt) return `${names} ${plural(count, 'was', 'were')} last active ${relativeTime(options.lastActiveAt, options.now)}`;
  return `${names} ${plural(count, 'hasn’t', 'haven’t')} been here yet`;
}

/** The room's subtitle: "You and Sam", "You, Sam and Kim". */
export function youAnd(names: readonly string[]): string {
  return names.length ? listNames(['You', ...names]) : 'Just you, so far';
}

/** Under a veiled answer, before the viewer has shared (APP-4, APP-5). */
export function veilHint(size: number): string {
  return size <= 2 ? 'Answers stay veiled until you’ve both shared: write your own first.' : 'Each answer opens for you once you’ve shared your own: write yours first.';
}

/** The live-region sentence when answers open: "Both answers are open.", "2 of 3 answers are open." */
export function openAnswersAnnouncement(open: number, total: number): string {
  if (open < 2) return '';
  if (open >= total) return total === 2 ? 'Both answers are open.' : `All ${countWord(total)} answers are open.`;
  return `${open} of ${total} answers are open.`;
}

/** After passing: whose answers stay veiled. */
export function passedVeilNote(company: Company): string {
  if (company.partners) return 'Your partner’s answer stays veiled unless you answer after all.';
  if (company.names.length === 1) return `${company.names[0] ?? ''}’s answer stays veiled unless you answer after all.`;
  return `Answers from ${listNames(company.names)} stay veiled unless you answer after all.`;
}

/** On a live card before anyone has answered it (APP-12, APP-26). */
export function turnHintText(options: { isViewer: boolean; name: string }): string {
  return options.isViewer ? 'You go first on this card' : `${options.name} goes first on this card`;
}

/** Under a live card the viewer has answered while others are still answering (APP-27). */
export function stillAnsweringLine(names: readonly string[]): string {
  return `Waiting for ${listNames(names)} to answer or pass — then you can move on together.`;
}

/** The hint of "What I heard" for one answer. */
export function whatIHeardHint(name: string): string {
  return `In a line or two, say back what you heard in ${name}’s answer — not whether you agree.`;
}

/** The weekly list's chip for a card everyone has settled: who answered, who passed. */
export function settledChip(options: { answered: readonly string[]; passed: readonly string[]; total: number }): string {
  const { answered, passed, total } = options;
  if (passed.length === 0 && answered.length > 0) return total === 2 ? 'Both answered · open' : `All ${countWord(total)} answered · open`;
  const passes = passed.length ? `${listNames(passed)} passed` : '';
  if (!answered.length) return passes || 'Done';
  return `${listNames(answered)} answered · ${passes}`;
}

/** The check-in's heading once everyone's numbers are open. */
export function checkinRevealedTitle(size: number): string {
  return size <= 2 ? 'How close you both felt' : 'How close you all felt';
}

export function checkinIntro(size: number): string {
  return `One last question, just for the ${countWord(size)} of you. Your number stays private until ${everyoneHas(size)} answered. Unanswered cards simply stay in your history.`;
}

export function checkinPendingNote(options: { size: number; closedBy: string | null }): string {
  const see = `you’ll ${options.size <= 2 ? 'both' : 'all'} see the numbers once ${everyoneHas(options.size)} answered.`;
  return options.closedBy ? `${options.closedBy} closed this session. Add your check-in whenever you like — ${see}` : `Saved. ${capitalise(see)}`;
}

/** Below the check-in scale: who is still to answer (APP-11). */
export function checkinWaitingLine(options: { company: Company; waitingOn: readonly string[] }): string {
  const { company, waitingOn } = options;
  if (company.names.length === 0) return `${capitalise(othersWord(company, company.groupSize - 1))} can add theirs once they join.`;
  if (waitingOn.length) return `${listNames(waitingOn)} ${plural(waitingOn.length, 'hasn’t', 'haven’t')} checked in yet.`;
  const total = company.names.length + 1;
  return `${listNames(company.names)} ${plural(company.names.length, 'has', 'have')} checked in. Yours opens ${total === 2 ? 'both' : `all ${countWord(total)}`}.`;
}

/**
 * For a member who joined after the open session was drawn (SEALED-12): why there is nothing to
 * answer yet, and that the next cards are theirs too. `participants` are the session's, in turn order.
 */
export function joinedDuringSession(options: { drawer: string | null; participants: readonly string[]; memberCount: number }): { title: string; body: string } {
  const { drawer, participants, memberCount } = options;
  const them = participants.length === 2 ? 'the two of them' : `the ${countWord(participants.length)} of them`;
  const cards = drawer ? `the cards ${drawer} drew before you came` : 'the cards drawn before you came';
  const next = memberCount <= 2 ? 'the next cards are for you both' : `the next cards are for all ${countWord(memberCount)} of you`;
  return {
    title: 'You joined during this session',
    body: `You’ll start with the next one — ${cards} stay between ${them}. When ${listNames(participants)} ${plural(participants.length, 'closes', 'close')} it, ${next}.`,
  };
}

/** The invite panel's heading while people are still to join. */
export function inviteTitle(options: { partners: boolean; missing: number; anyoneJoined: boolean }): string {
  if (options.partners) return 'Invite your partner';
  const missing = Math.max(1, options.missing);
  return `Invite ${options.anyoneJoined ? `${countWord(missing)} more` : countWord(missing)} ${plural(missing, 'friend', 'friends')}`;
}

/** Who the invite link may go to (APP-24). */
export function inviteAudience(options: { partners: boolean; missing: number; size: number }): string {
  if (options.partners) return 'your partner';
  if (options.missing <= 0) return `the ${countWord(options.size)} of you`;
  return `the ${plural(options.missing, 'friend', `${countWord(options.missing)} friends`)} still to join`;
}

/** The seal panel's explanation (APP-24): sealing is offered only once everyone is in. */
export function sealAdvice(options: { joined: number; size: number }): string {
  const { joined, size } = options;
  if (joined < size) {
    return `${capitalise(countWord(joined))} of the ${countWord(size)} people this room is for ${plural(joined, 'has', 'have')} joined. Sealing now would lock out whoever hasn’t joined yet, so it’s offered once ${size <= 2 ? 'you’re both' : `all ${countWord(size)} of you are`} in.`;
  }
  return `${size <= 2 ? 'Once you’re both in' : `Now all ${countWord(size)} of you are in`}, sealing stops anyone else — even with the link — from ever getting in. Devices already here keep working, and a new phone of yours gets in with a device link from one of them. It can’t be undone.`;
}

/** The "who is this room for" choices: two partners, or two to six friends (APP-24). */
export function groupChoiceLabel(size: number, partners: boolean): string {
  return partners ? 'Two partners' : `${capitalise(countWord(size))} friends`;
}

export interface GroupChoice {
  readonly size: number;
  readonly partners: boolean;
  /** A stable value for a select's option. */
  readonly value: string;
  readonly label: string;
}

export const GROUP_CHOICES: readonly GroupChoice[] = [
  { size: 2, partners: true },
  { size: 2, partners: false },
  { size: 3, partners: false },
  { size: 4, partners: false },
  { size: 5, partners: false },
  { size: 6, partners: false },
].map((choice) => ({ ...choice, value: `${choice.size}-${choice.partners ? 'partners' : 'friends'}`, label: groupChoiceLabel(choice.size, choice.partners) }));

/** Reactions are words first (an icon beside them), so they read the same on every device. */
export const REACTION_WORDS: Readonly<Record<Reaction, string>> = {
  'thank-you': 'Thank you',
  'me-too': 'Me too',
  'i-see-you': 'I see you',
  'tell-me-more': 'Tell me more',
  hug: 'Sending a hug',
};

export const CHECKIN_QUESTION = (partner: string) => `How close do you feel to ${partner || 'each other'} right now?`;
export const CHECKIN_LABELS: Readonly<Record<number, string>> = {
  1: 'Far apart',
  2: 'Distant',
  3: 'A little apart',
  4: 'Somewhere between',
  5: 'Close',
  6: 'Very close',
  7: 'As close as can be',
};

// ---- what the sync layer noticed (SyncWarning), in words --------------------------------------

const WARNING_SENTENCES: Readonly<Record<Exclude<SyncWarning['kind'], 'missing-changes' | 'relay-rollback'>, string>> = {
  'foreign-data': 'The server sent something that doesn’t belong to this room. It was ignored, and nothing here changed.',
  'tampered-data': 'The server sent a change that had been damaged or altered on the way. It was ignored, and nothing here changed.',
  'misplaced-data': 'The server sent something in the wrong place. It was ignored, and nothing here changed.',
  'unappliable-change': 'A change from another device couldn’t be read and was skipped. If something looks missing, reload the page.',
  'unreadable-frame': 'The server sent something this version of Seen couldn’t read. It was ignored, and nothing here changed.',
  'refused-change': 'The server didn’t accept one of your changes. It is still on this device.',
  'change-too-large': 'One change is too large to send to the server. It is kept on this device but won’t reach anyone else.',
};

/**
 * A warning from the sync layer as a sentence: what happened, since when, and what to expect.
 * `company` names whose changes these are ("your partner" only in a room for two partners).
 */
export function describeWarning(warning: SyncWarning, now: number, company: Pick<Company, 'partners' | 'groupSize'> = { partners: true, groupSize: 2 }): string {
  const others = othersWord(company, company.groupSize - 1);
  const open = plural(company.groupSize - 1, 'opens', 'open');
  switch (warning.kind) {
    case 'missing-changes': {
      const when = warning.since === null ? '' : ` ${describeSince(warning.since, now)}`;
      return warning.ownDevice
        ? `Some changes made in another window on this device${when} may be missing here. Nothing is lost; they should appear when that window syncs again.`
        : `Some changes from ${others}${when} may be missing. Nothing on this device is lost; they should appear when ${others} next ${open} the room.`;
    }
    case 'relay-rollback': {
      const what = warning.since === null ? 'than it had before' : `than it had before: changes from ${others} ${describeSince(warning.since, now)} were missing from it`;
      return `The server sent an older copy of this room ${what}. Nothing on this device is lost, and it is sending what it has again; anything only ${others} had should return when they next open the room.`;
    }
    default:
      return WARNING_SENTENCES[warning.kind];
  }
}

/** Over a "then and now" card's earlier answers (APP-30): "Then · session 3, 2 March" */
export function thenHeading(options: { session: number; startedAt: number }): string {
  return `Then · session ${options.session}, ${formatDate(options.startedAt)}`;
}

/** Under the heading: what the earlier answers are for, in the room's words (APP-25). */
export function thenNote(company: Pick<Company, 'partners' | 'groupSize'>): string {
  const who = company.groupSize === 2 ? 'both' : 'all';
  return `This card came back. Here is what you ${who} wrote the first time.`;
}

/** "Your ritual is on Sunday at 19:00" (APP-31). */
export function ritualSentence(options: { weekdayName: string; clock: string }): string {
  return `Your ritual is on ${options.weekdayName} at ${options.clock}`;
}

/** What the ritual does, for the room's real group (APP-25). */
export function ritualNote(company: Pick<Company, 'partners' | 'groupSize'>): string {
  const who = company.groupSize === 2 ? 'whichever of you' : 'whoever';
  return `From then each week, ${who} opens the room first draws that week’s cards. The calendar file links to Seen, never to your room’s key.`;
}
