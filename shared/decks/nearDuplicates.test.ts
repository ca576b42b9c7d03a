import { describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_THRESHOLD, findNearDuplicates, measureTextSimilarity, normalizeWords } from './nearDuplicates';

// Calibration pairs for NEAR_DUPLICATE_THRESHOLD, written for this test (not deck content).
// Rewordings: the same card said twice, which a user would experience as repetition.
const REWORDINGS: readonly [string, string][] = [
  ['What small thing did I do this week that made you feel loved?', 'What small thing did I do this week that made you feel cared for?'],
  ['Tell me about a moment this week when you felt proud of yourself.', 'Tell me about a moment this week you felt proud of yourself.'],
  ['Which part of your week would you like to live again?', 'Which part of this week would you like to live again, and why?'],
  ['What is something you are quietly hoping for this year?', 'What are you quietly hoping for this year?'],
];
// Distinct cards that share a topic, an opening or a template.
const DISTINCT: readonly [string, string][] = [
  ['What small thing did I do this week that made you feel loved?', 'What small thing could I do next week to help you feel rested?'],
  ['What did you need from me this week that you did not get?', 'What did you give this week that nobody noticed?'],
  ['Which memory of us do you return to when things are hard?', 'Which memory from childhood still makes you laugh?'],
  ['How do you usually hide when you feel hurt?', 'How do you usually show it when you feel happy?'],
  ['What is something you are quietly hoping for this year?', 'What is something you are quietly afraid of this year?'],
  ['What is one fear you rarely say out loud?', 'What is one hope you rarely say out loud?'],
];

describe('findNearDuplicates', () => {
  it.each(REWORDINGS)('DECK-11 flags a rewording of the same card: %s / %s', (first, second) => {
    expect(measureTextSimilarity(first, second)).toBeGreaterThanOrEqual(NEAR_DUPLICATE_THRESHOLD);
  });

  it.each(DISTINCT)('DECK-11 lets distinct cards on one topic or template pass: %s / %s', (first, second) => {
    expect(measureTextSimilarity(first, second)).toBeLessThan(NEAR_DUPLICATE_THRESHOLD);
  });

  it('DECK-11 finds the one near-duplicate pair in a list and reports it with its similarity', () => {
    const prompts = [
      { id: 'a', text: 'What small thing did I do this week that made you feel loved?' },
      { id: 'b', text: 'Which memory of us do you return to when things are hard?' },
      { id: 'c', text: 'What small thing did I do this week that made you feel cared for?' },
    ];
    const pairs = findNearDuplicates(prompts, NEAR_DUPLICATE_THRESHOLD);
    expect(pairs.map(({ firstId, secondId }) => [firstId, secondId])).toEqual([['a', 'c']]);
    expect(pairs[0]?.similarity).toBeGreaterThan(NEAR_DUPLICATE_THRESHOLD);
  });

  it('DECK-11 ignores case, punctuation, accents and filler words', () => {
    expect(normalizeWords('What’s the CAFÉ you’d return to — and why?')).toEqual(['whats', 'cafe', 'youd', 'return', 'why']);
    expect(measureTextSimilarity('Is this the place you love?', 'this place, you LOVE!')).toBe(1);
  });
});
