// Every way turning nudges on or off can fail, in words (SPEC APP-34): what happened and what to do.
import type { PushOutcome } from '@seen/sync';

/** Why nudges could not be turned on (or off) on this device. */
export type NudgeFailure =
  | 'unsupported'
  | 'denied'
  | 'not-allowed'
  | 'no-worker'
  | 'no-key'
  | 'push-service'
  | 'unreachable'
  | Exclude<PushOutcome, 'ok'>;

export const NUDGE_FAILURE_WORDS: Readonly<Record<NudgeFailure, string>> = {
  unsupported: 'This browser can’t receive notifications from Seen. On an iPhone or iPad, add Seen to your Home Screen first and turn nudges on there.',
  denied: 'Notifications are blocked for Seen in this browser’s settings. Allow them there, then turn nudges on again.',
  'not-allowed': 'Notifications weren’t allowed, so nudges stay off. Turn them on here whenever you like.',
  'no-worker': 'Seen isn’t fully set up on this device yet. Reload the page, wait a few seconds, then try again.',
  'no-key': 'The server couldn’t give this device what it needs for notifications. Try again when you’re online.',
  'push-service': 'This browser’s push service couldn’t be reached, so nudges stay off. Check your connection and try again.',
  unreachable: 'The server didn’t answer, so nothing changed there. Try again when you’re online.',
  'endpoint-not-allowed': 'The server doesn’t send notifications through this browser’s push service, so nudges can’t be turned on here.',
  'bad-subscription': 'The server couldn’t use this browser’s notification subscription. Try again; if it keeps failing, reload the page first.',
  'rate-limited': 'Nudges were changed too often just now. Wait a minute, then try again.',
  unavailable: 'The server can’t send notifications right now. Try again later.',
};

/** The sentence for a failure: always one, whatever the relay or the browser answered. */
export function describeNudgeFailure(failure: NudgeFailure): string {
  return NUDGE_FAILURE_WORDS[failure];
}

/** The relay's answer to a push request as a failure, or null when it said yes. */
export function failureOfOutcome(outcome: PushOutcome): NudgeFailure | null {
  return outcome === 'ok' ? null : outcome;
}

const EITHER_OF = new Intl.ListFormat('en-GB', { style: 'long', type: 'disjunction' });

/** What the switch in Room & data does: "… when Sam shares an answer, draws the week’s cards or asks to go deeper." */
export function nudgeSwitchHint(others: readonly string[]): string {
  const who = others.length ? EITHER_OF.format(others) : 'someone';
  return `A quiet notification on this device when ${who} shares an answer, draws the week’s cards or asks to go deeper.`;
}

/** "Get a quiet nudge when Alex answers?" — or when any of a group does. */
export function nudgePromptTitle(others: readonly string[]): string {
  if (others.length === 1) return `Get a quiet nudge when ${others[0]} answers?`;
  return others.length === 0 ? 'Get a quiet nudge when someone answers?' : 'Get a quiet nudge when one of the others answers?';
}

export const NUDGE_PRIVACY_NOTE = 'Your notifications never say what was written: this device words them itself, and the server only knows that something happened in the room.';

/** Turned off while the relay could not be told: it is told at the next room open (APP-34). */
export const NUDGE_OFF_PENDING = 'It will be told the next time this room opens while you’re online. Until then, a notification for this room may still reach this device.';
