import { describe, expect, it } from 'vitest';
import type { PushOutcome } from '@seen/sync';
import { describeNudgeFailure, failureOfOutcome, nudgePromptTitle, nudgeSwitchHint, NUDGE_FAILURE_WORDS, type NudgeFailure } from './nudgeWords.ts';

const OUTCOMES: readonly PushOutcome[] = ['ok', 'endpoint-not-allowed', 'bad-subscription', 'rate-limited', 'unavailable'];

describe('nudge failures in words (APP-34)', () => {
  it('APP-34 every relay answer but ok is a failure with its own sentence', () => {
    expect(failureOfOutcome('ok')).toBeNull();
    const sentences = OUTCOMES.filter((outcome) => outcome !== 'ok').map((outcome) => describeNudgeFailure(failureOfOutcome(outcome)!));
    expect(new Set(sentences).size).toBe(4);
    expect(describeNudgeFailure('rate-limited')).toBe('Nudges were changed too often just now. Wait a minute, then try again.');
    expect(describeNudgeFailure('endpoint-not-allowed')).toMatch(/push service, so nudges can’t be turned on here/);
  });

  it('APP-34 the browser’s own failures say what happened and what to do', () => {
    expect(describeNudgeFailure('unsupported')).toMatch(/^This browser can’t receive notifications/);
    expect(describeNudgeFailure('denied')).toMatch(/blocked .* Allow them there/);
    expect(describeNudgeFailure('push-service')).toMatch(/push service couldn’t be reached/);
    expect(describeNudgeFailure('unreachable')).toMatch(/server didn’t answer/);
    const all = Object.keys(NUDGE_FAILURE_WORDS) as NudgeFailure[];
    for (const failure of all) expect(describeNudgeFailure(failure), failure).toMatch(/^[A-Z].+\.$/);
  });

  it('APP-33 the prompt names the partner, or asks about the others in a group', () => {
    expect(nudgePromptTitle(['Alex'])).toBe('Get a quiet nudge when Alex answers?');
    expect(nudgePromptTitle(['Maya', 'Jon'])).toBe('Get a quiet nudge when one of the others answers?');
  });

  it('APP-34 the switch says when a nudge comes, naming either of the others', () => {
    expect(nudgeSwitchHint(['Sam'])).toBe('A quiet notification on this device when Sam shares an answer, draws the week’s cards or asks to go deeper.');
    expect(nudgeSwitchHint(['Maya', 'Jon'])).toMatch(/^A quiet notification on this device when Maya or Jon shares an answer/);
    expect(nudgeSwitchHint([])).toMatch(/when someone shares an answer/);
  });
});
