// What the deck parser reports. Codes are stable (the UI and tests branch on them); messages are
// sentences for a person fixing a deck file by hand, so they name the card and the field.

export const DECK_ERROR = {
  INVALID_JSON: 'invalid-json',
  FILE_TOO_LARGE: 'file-too-large',
  NOT_AN_OBJECT: 'not-an-object',
  UNKNOWN_FORMAT: 'unknown-format',
  NEWER_VERSION: 'newer-version',
  INVALID_VERSION: 'invalid-version',
  MISSING_FIELD: 'missing-field',
  UNKNOWN_FIELD: 'unknown-field',
  WRONG_TYPE: 'wrong-type',
  INVALID_ID: 'invalid-id',
  DUPLICATE_ID: 'duplicate-id',
  INVALID_LEVEL: 'invalid-level',
  INVALID_KIND: 'invalid-kind',
  INVALID_AUDIENCE: 'invalid-audience',
  INVALID_LANGUAGE: 'invalid-language',
  UNKNOWN_THEME: 'unknown-theme',
  DUPLICATE_THEME: 'duplicate-theme',
  WRONG_THEME_COUNT: 'wrong-theme-count',
  TOO_SHORT: 'too-short',
  TOO_LONG: 'too-long',
  NOT_ONE_LINE: 'not-one-line',
  NO_PROMPTS: 'no-prompts',
  TOO_MANY_PROMPTS: 'too-many-prompts',
  /** Appended once when the list was cut at MAX_REPORTED_ERRORS. */
  TOO_MANY_ERRORS: 'too-many-errors',
} as const;
export type DeckErrorCode = (typeof DECK_ERROR)[keyof typeof DECK_ERROR];

export type DeckError = {
  readonly code: DeckErrorCode;
  /** JSON Pointer (RFC 6901) to the offending value; "" is the whole file. */
  readonly path: string;
  /** One sentence naming the card (id and index) and the field. */
  readonly message: string;
};

/**
 * A broken 2000-card file would otherwise produce thousands of errors; nobody reads past the first
 * screen, and building them all costs time on a phone.
 */
export const MAX_REPORTED_ERRORS = 100;

const VALUE_PREVIEW_CHARS = 40;

/** How a value reads inside a message: `4`, `"joy"`, `a list`. Never dumps a whole object. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const chars = [...value];
    const preview = chars.length > VALUE_PREVIEW_CHARS ? `${chars.slice(0, VALUE_PREVIEW_CHARS).join('')}…` : value;
    return JSON.stringify(preview);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  return describeType(value);
}

/** The kind of a value in words, for "must be a string (got a number)". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** `1, 2 or 3` — the choices a field accepts, in the order the format lists them. */
export function formatChoices(choices: readonly (string | number)[], quote: boolean): string {
  const shown = choices.map((choice) => (quote ? JSON.stringify(choice) : String(choice)));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** Escapes one JSON Pointer segment (RFC 6901 §3): `~` → `~0`, `/` → `~1`. */
export function toPointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every deck parser returns this: a typed value, or every problem found — never a cast or a throw. */
export type DeckResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly DeckError[] };
