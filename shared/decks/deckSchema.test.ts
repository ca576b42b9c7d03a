// DECK-8: seen-deck.schema.json and deckFormat.ts are one contract written twice. These tests read
// the schema file and fail the moment an enum, pattern or limit differs, and check that the schema
// and the parser give the same verdict on valid, shipped and randomly broken decks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUDIENCES,
  DECK_FORMAT,
  DECK_FORMAT_VERSION,
  DECK_KEYS,
  DECK_LIMITS,
  DECK_PATTERNS,
  OPTIONAL_PROMPT_KEYS,
  PROMPT_KEYS,
  PROMPT_KINDS,
  PROMPT_LEVELS,
  THEMES,
} from './deckFormat';
import { parseDeck } from './parseDeck';
import { arbitraryDeck } from './testing/arbitraryDeck';
import { checkJsonSchema } from './testing/checkJsonSchema';
import { readDeckFile, readShippedDeckFiles } from './testing/readDeckFiles';

type Node = Record<string, unknown>;

/** Enough to hit every field with boundary values in a normal run; raise DECK_SCHEMA_RUNS to search harder. */
const DIFFERENTIAL_RUNS = 400;

function readSchema(): Node {
  return JSON.parse(readDeckFile('seen-deck.schema.json')) as Node;
}

/** Walks a JSON Pointer-like list of keys through the schema, failing the test on a wrong shape. */
function at(node: unknown, ...keys: string[]): Node {
  let current: unknown = node;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) throw new Error(`schema has no ${keys.join('/')}`);
    current = (current as Node)[key];
  }
  if (typeof current !== 'object' || current === null) throw new Error(`schema has no object at ${keys.join('/')}`);
  return current as Node;
}

const hasUniquePromptIds = (json: unknown): boolean => {
  const prompts = (json as { prompts?: unknown }).prompts;
  if (!Array.isArray(prompts)) return true;
  const ids = prompts.map((prompt: unknown) => (typeof prompt === 'object' && prompt !== null ? (prompt as Node).id : undefined));
  return new Set(ids).size === ids.length;
};

describe('seen-deck.schema.json', () => {
  const schema = readSchema();
  const defs = at(schema, '$defs');
  const prompt = at(defs, 'prompt', 'properties');

  it('DECK-8 declares draft 2020-12 and the same format and version', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(at(schema, 'properties', 'format').const).toBe(DECK_FORMAT);
    expect(at(schema, 'properties', 'version').const).toBe(DECK_FORMAT_VERSION);
  });

  it('DECK-8 lists the same fields, required fields and strictness as deckFormat.ts', () => {
    expect(Object.keys(at(schema, 'properties'))).toEqual(DECK_KEYS);
    expect(schema.required).toEqual(DECK_KEYS);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(prompt)).toEqual(PROMPT_KEYS);
    expect(at(defs, 'prompt').required).toEqual(PROMPT_KEYS.filter((key) => !(OPTIONAL_PROMPT_KEYS as readonly string[]).includes(key)));
    expect(at(defs, 'prompt').additionalProperties).toBe(false);
  });

  it('DECK-8 has the same enums as the TypeScript constants', () => {
    expect(prompt.level).toMatchObject({ enum: [...PROMPT_LEVELS] });
    expect(prompt.kind).toMatchObject({ enum: [...PROMPT_KINDS] });
    expect(at(defs, 'theme').enum).toEqual(THEMES);
    expect(at(schema, 'properties', 'audience').enum).toEqual(AUDIENCES);
  });

  it('DECK-8 has the same patterns and limits as the TypeScript constants', () => {
    expect(at(defs, 'id').pattern).toBe(DECK_PATTERNS.ID);
    expect(at(defs, 'line')).toMatchObject({ minLength: DECK_LIMITS.TEXT_MIN, maxLength: DECK_LIMITS.TEXT_MAX, pattern: DECK_PATTERNS.LINE });
    expect(prompt.themes).toMatchObject({ minItems: DECK_LIMITS.THEMES_MIN, maxItems: DECK_LIMITS.THEMES_MAX, uniqueItems: true });
    expect(at(schema, 'properties', 'prompts')).toMatchObject({ minItems: DECK_LIMITS.PROMPTS_MIN, maxItems: DECK_LIMITS.PROMPTS_MAX });
    expect(at(schema, 'properties', 'title')).toMatchObject({ minLength: DECK_LIMITS.TITLE_MIN, maxLength: DECK_LIMITS.TITLE_MAX, pattern: DECK_PATTERNS.LINE });
    expect(at(schema, 'properties', 'description')).toMatchObject({
      minLength: DECK_LIMITS.DESCRIPTION_MIN,
      maxLength: DECK_LIMITS.DESCRIPTION_MAX,
      pattern: DECK_PATTERNS.LINE,
    });
    expect(at(schema, 'properties', 'language')).toMatchObject({ maxLength: DECK_LIMITS.LANGUAGE_MAX, pattern: DECK_PATTERNS.LANGUAGE });
    // The file-size limit cannot be a schema keyword; the schema's $comment states it.
    expect(schema.$comment).toContain(`${DECK_LIMITS.FILE_BYTES_MAX} bytes`);
  });

  it.each(readShippedDeckFiles())('DECK-8 shipped deck $file is valid under the schema and the parser', ({ file, text }) => {
    expect(text, `${file} is missing`).not.toBeNull();
    const json: unknown = JSON.parse(text ?? 'null');
    expect(checkJsonSchema(schema, json)).toEqual([]);
    expect(parseDeck(json).ok).toBe(true);
  });

  it('DECK-8 the schema and the parser agree on valid decks and on randomly broken ones', () => {
    const fieldValue = fc.oneof(
      fc.jsonValue(),
      fc.integer({ min: -1, max: 4 }),
      fc.constantFrom(...THEMES, ...PROMPT_KINDS, ...AUDIENCES, 'x', 'x'.repeat(7), 'y'.repeat(8), 'z'.repeat(220), 'z'.repeat(221), ' padded ', 'two\nlines'),
      fc.uniqueArray(fc.constantFrom(...THEMES, 'joy'), { maxLength: 4 }),
      fc.array(fc.constantFrom(...THEMES), { maxLength: 4 }),
    );
    const mutation = fc.record({
      inPrompt: fc.boolean(),
      promptIndex: fc.nat(),
      key: fc.oneof(fc.constantFrom(...DECK_KEYS, ...PROMPT_KEYS), fc.string()),
      action: fc.constantFrom('set', 'delete', 'copy-id'),
      value: fieldValue,
    });
    const verdicts = new Set<boolean>();
    fc.assert(
      fc.property(arbitraryDeck(), fc.array(mutation, { maxLength: 3 }), (deck, mutations) => {
        const json = structuredClone(deck) as unknown as Node;
        for (const { inPrompt, promptIndex, key, action, value } of mutations) {
          const prompts: unknown[] = Array.isArray(json.prompts) ? json.prompts : [];
          const target: unknown = inPrompt ? prompts[promptIndex % Math.max(1, prompts.length)] : json;
          if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
          const record = target as Node;
          const firstPrompt: unknown = prompts[0];
          if (action === 'delete') delete record[key];
          else if (action === 'copy-id') record.id = typeof firstPrompt === 'object' && firstPrompt !== null ? (firstPrompt as Node).id : undefined;
          // defineProperty, not assignment: `target["__proto__"] = v` would change the prototype.
          else Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
        }
        const roundTripped: unknown = JSON.parse(JSON.stringify(json));
        const schemaValid = checkJsonSchema(schema, roundTripped).length === 0 && hasUniquePromptIds(roundTripped);
        expect(parseDeck(roundTripped).ok).toBe(schemaValid);
        verdicts.add(schemaValid);
      }),
      { numRuns: Number(process.env.DECK_SCHEMA_RUNS ?? DIFFERENTIAL_RUNS) },
    );
    // Guard against a generator that only ever produces valid (or only invalid) decks.
    expect([...verdicts].sort()).toEqual([false, true]);
  });
});
