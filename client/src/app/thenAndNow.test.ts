import { describe, expect, it } from 'vitest';
import type { CardAnswers, SessionRecord } from '@seen/shared/doc';
import { decideEarlierAnswers, findEarlierSession } from './thenAndNow.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 6, 19);

function session(number: number, cardIds: string[], startedAt: number, thenAndNow: SessionRecord['thenAndNow'] = null): SessionRecord {
  return { number, seed: `s:${number}`, cardIds, maxLevel: 1, thenAndNow, startedAt, startedBy: 'alex', closedAt: null, closedBy: null, participants: null };
}

function answers(options: { mine: 'submitted' | 'passed' | 'writing'; sam: 'submitted' | 'passed' | 'writing'; mineText: string; samText: string }): CardAnswers {
  const mineDone = options.mine !== 'writing';
  const samDone = options.sam !== 'writing';
  const revealed = options.mine === 'submitted';
  return {
    mine: { text: options.mineText, submittedAt: options.mine === 'submitted' ? NOW : null, passed: options.mine === 'passed', updatedAt: NOW },
    others: [{ memberId: 'sam', state: options.sam, text: revealed && options.sam === 'submitted' ? options.samText : null, submittedAt: options.sam === 'submitted' ? NOW : null, opening: false, mismatch: false, peeked: false, openableEarly: false }],
    revealed,
    settled: mineDone && samDone,
    seenEarlyBy: [],
  };
}

const THEN = session(1, ['c1', 'c2'], NOW - 100 * DAY);
const CURRENT = session(9, ['c7', 'c1'], NOW, { promptId: 'c1', fromSession: 1 });
const EARLIER = answers({ mine: 'submitted', sam: 'submitted', mineText: 'ALEX-THEN', samText: 'SAM-THEN' });

describe('then and now', () => {
  it('APP-30 shows both earlier answers once both new answers are in, the viewer’s first', () => {
    const now = answers({ mine: 'submitted', sam: 'submitted', mineText: 'ALEX-NOW', samText: 'SAM-NOW' });
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: true, now, earlierSession: THEN, earlier: EARLIER })).toEqual({
      session: 1,
      startedAt: THEN.startedAt,
      answers: [
        { memberId: 'alex', text: 'ALEX-THEN' },
        { memberId: 'sam', text: 'SAM-THEN' },
      ],
    });
  });

  it('APP-30 shows nothing before the viewer has shared, nor while the partner is still writing', () => {
    const notYetMine = answers({ mine: 'writing', sam: 'submitted', mineText: 'draft', samText: 'SAM-NOW' });
    const notYetSam = answers({ mine: 'submitted', sam: 'writing', mineText: 'ALEX-NOW', samText: '' });
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: true, now: notYetMine, earlierSession: THEN, earlier: EARLIER })).toBeNull();
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: true, now: notYetSam, earlierSession: THEN, earlier: EARLIER })).toBeNull();
  });

  it('APP-30 a viewer who passes the new card sees no earlier answers', () => {
    const passed = answers({ mine: 'passed', sam: 'submitted', mineText: '', samText: 'SAM-NOW' });
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: true, now: passed, earlierSession: THEN, earlier: EARLIER })).toBeNull();
  });

  it('APP-30 the earlier answers keep their own veil (APP-4): an old answer the viewer never saw stays hidden', () => {
    const now = answers({ mine: 'submitted', sam: 'submitted', mineText: 'ALEX-NOW', samText: 'SAM-NOW' });
    const passedThen = answers({ mine: 'passed', sam: 'submitted', mineText: 'unsent', samText: 'SAM-THEN' });
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: true, now, earlierSession: THEN, earlier: passedThen })).toBeNull();
  });

  it('APP-30 an ordinary card never shows earlier answers', () => {
    const now = answers({ mine: 'submitted', sam: 'submitted', mineText: 'ALEX-NOW', samText: 'SAM-NOW' });
    expect(decideEarlierAnswers({ viewerId: 'alex', isThenAndNow: false, now, earlierSession: THEN, earlier: EARLIER })).toBeNull();
  });

  it('APP-30 the earlier session is the recorded one, else the newest earlier session that drew the card', () => {
    const again = session(5, ['c1'], NOW - 95 * DAY);
    expect(findEarlierSession([THEN, again, CURRENT], CURRENT, 'c1')?.number).toBe(1);
    const unrecorded = session(9, ['c7', 'c1'], NOW, { promptId: 'c1', fromSession: null });
    expect(findEarlierSession([THEN, again, unrecorded], unrecorded, 'c1')?.number).toBe(5);
    expect(findEarlierSession([CURRENT], CURRENT, 'c1')).toBeNull();
  });
});
