// Field checks shared by parseDeck and parsePrompt (internal; not exported from index.ts).
// Each check reports into a collector and returns the typed value or undefined, so one pass over a
// file finds every problem instead of stopping at the first.
import { DECK_ERROR, describeType, describeValue, toPointerSegment, type DeckError, type DeckErrorCode } from './deckError';
import { DECK_PATTERNS } from './deckFormat';

export type CheckContext = {
  /** Who the message is about: `Card "wr-014" (index 13)` or `Deck "weekly-ritual"`. */
  readonly subject: string;
  /** JSON Pointer of the object being checked. */
  readonly path: string;
  readonly errors: DeckError[];
};

const ID_PATTERN = new RegExp(DECK_PATTERNS.ID, 'u');
const LINE_PATTERN = new RegExp(DECK_PATTERNS.LINE, 'u');

/** Longest edit distance at which an unknown key is treated as a typo of a known one. */
const MAX_TYPO_DISTANCE = 2;

/** `item` points inside a list field, e.g. the third theme: `/prompts/4/themes/2`. */
export function reportError(context: CheckContext, code: DeckErrorCode, field: string | null, sentence: string, item?: number): void {
  const fieldPath = field === null ? context.path : `${context.path}/${toPointerSegment(field)}`;
  const path = item === undefined ? fieldPath : `${fieldPath}/${item}`;
  context.errors.push({ code, path, message: `${context.subject}: ${sentence}` });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: a key inherited from a prototype is not part of the file. */
export function readField(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Code points, which is what JSON Schema's minLength/maxLength count. */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}

/** Strict objects (DECK-1): a misspelt field must not be silently ignored. */
export function reportUnknownKeys(context: CheckContext, record: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const closest = findClosestName(key, known);
    const hint = closest === null ? '' : ` (did you mean "${closest}"?)`;
    reportError(context, DECK_ERROR.UNKNOWN_FIELD, key, `${describeValue(key)} is not a field of ${what}${hint}.`);
  }
}

export function readRequired(context: CheckContext, record: Record<string, unknown>, field: string): unknown {
  const value = readField(record, field);
  if (value === undefined) reportError(context, DECK_ERROR.MISSING_FIELD, field, `"${field}" is missing.`);
  return value;
}

export function readId(context: CheckContext, value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    reportError(context, DECK_ERROR.WRONG_TYPE, field, `"${field}" must be a string (got ${describeType(value)}).`);
    return undefined;
  }
  if (!isValidId(value)) {
    reportError(
      context,
      DECK_ERROR.INVALID_ID,
      field,
      `"${field}" must be 2 to 48 lowercase letters, digits or dashes, not starting with a dash (got ${describeValue(value)}).`,
    );
    return undefined;
  }
  return value;
}

export type LineLimits = { readonly min: number; readonly max: number };

/** A one-line, trimmed string within limits (title, description, text, deeper). */
export function readLine(context: CheckContext, value: unknown, field: string, limits: LineLimits): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    reportError(context, DECK_ERROR.WRONG_TYPE, field, `"${field}" must be a string (got ${describeType(value)}).`);
    return undefined;
  }
  const length = countCharacters(value);
  if (length > limits.max) {
    reportError(context, DECK_ERROR.TOO_LONG, field, `"${field}" is ${length} characters long; the limit is ${limits.max}.`);
    return undefined;
  }
  if (length < limits.min) {
    reportError(context, DECK_ERROR.TOO_SHORT, field, `"${field}" is ${length} characters long; it needs at least ${limits.min}.`);
    return undefined;
  }
  if (!LINE_PATTERN.test(value)) {
    reportError(context, DECK_ERROR.NOT_ONE_LINE, field, `"${field}" must be one line with no space at the start or end.`);
    return undefined;
  }
  return value;
}

/** Typo hint for unknown keys; null when nothing is close enough to be a plausible typo. */
export function findClosestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = MAX_TYPO_DISTANCE + 1;
  for (const candidate of candidates) {
    // Cheap filter first: a key whose length is far off cannot be within the typo distance.
    if (Math.abs(name.length - candidate.length) > MAX_TYPO_DISTANCE) continue;
    const distance = measureEditDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance; keys are short, so the quadratic table is fine. */
function measureEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_unused, column) => column);
  for (let row = 1; row <= a.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= b.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (a[row - 1] === b[column - 1] ? 0 : 1);
      const deletion = (previous[column] ?? 0) + 1;
      const insertion = (current[column - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
