import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECK_ERROR, MAX_REPORTED_ERRORS } from './deckError';
import { parseDeckFile } from './parseDeck';
import { serializeDeck } from './serializeDeck';
import { arbitraryDeck } from './testing/arbitraryDeck';

// SPEC FUZZ-3 (deck files). parseDeck.test.ts proves "never throws" on random values and random
// text; an imported deck is a file from anywhere, so this file mutates *real* deck files (which
// reach far deeper into the parser than random text does) and tries the classic JSON attacks.

const CODES = new Set<string>(Object.values(DECK_ERROR));
const POINTER = /^(\/([^~/]|~[01])*)*$/;

type Edit =
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'replace'; readonly at: number; readonly text: string }
  | { readonly kind: 'truncate'; readonly at: number };

const jsonish = fc.string({ unit: fc.constantFrom(...'{}[]":,0123456789.-eE truefalsnul\\u\n\t🌱é\u0000\uFEFF'), maxLength: 12 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: jsonish }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: jsonish }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const change of edits) {
    const at = out.length === 0 ? 0 : change.at % out.length;
    switch (change.kind) {
      case 'delete':
        out = out.slice(0, at) + out.slice(at + change.length);
        break;
      case 'insert':
        out = out.slice(0, at) + change.text + out.slice(at);
        break;
      case 'replace':
        out = out.slice(0, at) + change.text + out.slice(at + change.text.length);
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
    }
  }
  return out;
}

/** The contract every answer must keep, whatever went in (DECK-6). */
function expectWellFormedResult(text: string): void {
  const result = parseDeckFile(text);
  if (result.ok) {
    // Whatever is accepted is a deck in canonical form: exporting and re-importing changes nothing.
    const again = parseDeckFile(serializeDeck(result.value));
    expect(again.ok && again.value).toEqual(result.value);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  expect(result.errors.length).toBeLessThanOrEqual(MAX_REPORTED_ERRORS + 1);
  for (const error of result.errors) {
    expect(CODES.has(error.code), error.code).toBe(true);
    expect(error.path).toMatch(POINTER);
    // invalid-json quotes the engine's own words, which may span lines: see the pinned case below.
    if (error.code === DECK_ERROR.INVALID_JSON) expect(error.message).toMatch(/^The deck file is not valid JSON/);
    else expect(error.message).toMatch(/^\S[^\n]*[.)]$/u);
  }
}

describe('deck file importer (SPEC FUZZ-3)', () => {
  it('FUZZ-3: mutated real deck files (deletions, insertions, truncations) always get a well-formed answer', () => {
    fc.assert(
      fc.property(arbitraryDeck(), fc.array(edit, { minLength: 1, maxLength: 4 }), (deck, edits) => {
        expectWellFormedResult(applyEdits(serializeDeck(deck), edits));
      }),
      { numRuns: 1_500 },
    );
  });

  it('FUZZ-3 (DECK-6): an invalid-JSON message stays on one line even when the engine quotes the file', () => {
    const deck = parseDeckFile(
      JSON.stringify({
        format: 'seen-deck',
        version: 1,
        id: 'a-',
        title: 'Weekly',
        description: 'A deck made by a property test.',
        audience: 'partners',
        language: 'en',
        prompts: [{ id: 'a--', level: 1, kind: 'question', themes: ['hiding', 'everyday', 'needs'], text: 'what what today what what?', deeper: 'what me what what?' }],
      }),
    );
    if (!deck.ok) throw new Error('the pinned deck is valid');
    const broken = applyEdits(serializeDeck(deck.value), [{ kind: 'delete', at: 1554623940, length: 4 }]);
    const result = parseDeckFile(broken);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).not.toContain('\n');
  });

  it('FUZZ-3: values swapped for other JSON anywhere in a real deck get a well-formed answer', () => {
    fc.assert(
      fc.property(arbitraryDeck(), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (deck, pick, value) => {
        const json = JSON.parse(serializeDeck(deck)) as Record<string, unknown> & { prompts: Record<string, unknown>[] };
        const prompt = json.prompts[pick % json.prompts.length]!;
        const keys = Object.keys(prompt);
        if (pick % 2 === 0) prompt[keys[pick % keys.length]!] = value;
        else json[Object.keys(json)[pick % Object.keys(json).length]!] = value;
        expectWellFormedResult(JSON.stringify(json));
      }),
      { numRuns: 1_500 },
    );
  });

  it('FUZZ-3: "__proto__" and "constructor" keys are refused as unknown fields and pollute nothing', () => {
    const base = JSON.parse(serializeDeck(fc.sample(arbitraryDeck(), { numRuns: 1, seed: 3 })[0]!)) as Record<string, unknown>;
    const text = serializeDeck(base as never)
      .replace('{\n', '{\n  "__proto__": { "polluted": true },\n  "constructor": { "prototype": { "polluted": true } },\n')
      .replace('"prompts": [\n    {', '"prompts": [\n    { "__proto__": { "level": 3 },');
    const result = parseDeckFile(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.filter((error) => error.code === DECK_ERROR.UNKNOWN_FIELD).length).toBeGreaterThanOrEqual(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('FUZZ-3: pathological files (deep nesting, long strings, thousands of keys) are answered within a second', () => {
    const deepArray = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const inputs = [
      deepArray,
      deepObject,
      `{"format":"seen-deck","version":1,"id":"deep","title":"t","description":"d","audience":"partners","language":"en","prompts":[${deepArray}]}`,
      `{"format":"seen-deck","version":1,"prompts":[{"id":${deepObject},"text":${deepArray}}]}`,
      `{"format":"seen-deck","version":1,"title":"${'x'.repeat(900_000)}"}`,
      `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      `{"format":"seen-deck","version":1,"prompts":[${Array.from({ length: 2_500 }, () => '{}').join(',')}]}`,
      '"\\ud800"',
      '\uFEFF\uFEFF{}',
    ];
    for (const text of inputs) {
      const started = performance.now();
      expectWellFormedResult(text);
      expect(performance.now() - started, text.slice(0, 40)).toBeLessThan(1_000);
    }
  });
});
