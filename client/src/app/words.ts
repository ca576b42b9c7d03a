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

export const REFUSALS: Readonly<Record<RefusalReason, Refusal>> = {
  'auth-failed': {
    title: 'This link doesn’t open a room here',
    body: 'The link may have been cut off or changed on its way to you, or the room lives on a different server. Ask for the invite link again and open it exactly as sent.',
    suggestForget: true,
  },
  sealed: {
    title: 'This room is sealed',
    body: 'Its members sealed it so no new devices can join. If you belong there, ask your partner to start a new room with you and send its link.',
    suggestForget: true,
  },
  deleted: {
    title: 'This room was deleted',
    body: 'One of its members deleted it for everyone. Nothing of it is left on the server, and this device has let it go too.',
    suggestForget: true,
  },
  'room-full': {
    title: 'This room is full',
    body: 'It already has as many devices as it can hold. If one of them is yours, open the room there; otherwise ask your partner to start a new room.',
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

export function formatDate(at: number): string {
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: new Date(at).getFullYear() === new Date().getFullYear() ? undefined : 'numeric' });
}

export function partnerActivity(options: { names: string; present: boolean; typing: boolean; lastActiveAt: number | null; now: number }): string {
  if (options.typing) return `${options.names} is writing…`;
  if (options.present) return `${options.names} is here`;
  if (options.lastActiveAt) return `${options.names} was last active ${relativeTime(options.lastActiveAt, options.now)}`;
  return `${options.names} hasn’t been here yet`;
}

/** "Sam", "Sam and Kim", "Sam, Kim and Lee". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

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
  'change-too-large': 'One change is too large to send to the server. It is kept on this device but won’t reach your partner.',
};

/** A warning from the sync layer as a sentence: what happened, since when, and what to expect. */
export function describeWarning(warning: SyncWarning, now: number): string {
  switch (warning.kind) {
    case 'missing-changes': {
      const when = warning.since === null ? '' : ` ${describeSince(warning.since, now)}`;
      return warning.ownDevice
        ? `Some changes made in another window on this device${when} may be missing here. Nothing is lost; they should appear when that window syncs again.`
        : `Some of your partner’s changes${when} may be missing. Nothing on this device is lost; they should appear when your partner next opens the room.`;
    }
    case 'relay-rollback': {
      const what = warning.since === null ? 'than it had before' : `than it had before: your partner’s changes ${describeSince(warning.since, now)} were missing from it`;
      return `The server sent an older copy of this room ${what}. Nothing on this device is lost, and it is sending what it has again; anything only your partner had should return when they next open the room.`;
    }
    default:
      return WARNING_SENTENCES[warning.kind];
  }
}
