// A deck from outside (an imported file, a shipped JSON file, a deck shared into a room) becomes a
// typed Deck here and nowhere else (DECK-1…DECK-6). The parser never throws and never mutates its
// input; it reports every problem it finds, each naming the card and the field.
import { DECK_ERROR, MAX_REPORTED_ERRORS, describeType, describeValue, formatChoices, type DeckError, type DeckResult } from './deckError';
import { isRecord, isValidId, readField, readId, readLine, readRequired, reportError, reportUnknownKeys, type CheckContext } from './deckFieldChecks';
import {
  AUDIENCES,
  DECK_FORMAT,
  DECK_FORMAT_VERSION,
  DECK_KEYS,
  DECK_LIMITS,
  DECK_PATTERNS,
  type Audience,
  type Deck,
  type Prompt,
} from './deckFormat';
import { parsePrompt } from './parsePrompt';

export type DeckParseResult = DeckResult<Deck>;

const LANGUAGE_PATTERN = new RegExp(DECK_PATTERNS.LANGUAGE, 'u');
/** Editors on Windows may save UTF-8 with a byte-order mark, which JSON.parse rejects. */
const BYTE_ORDER_MARK = '\uFEFF';
const BYTES_PER_MEGABYTE = 1024 * 1024;
/** The engine's detail is for orientation only; a long quote would swamp the sentence. */
const MAX_JSON_DETAIL_CHARS = 160;
const PROMPTS_POINTER = '/prompts';
const UTF8_ONE_BYTE_BELOW = 0x80;
const UTF8_TWO_BYTES_BELOW = 0x800;
const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;
const LOW_SURROGATE_FIRST = 0xdc00;
const LOW_SURROGATE_LAST = 0xdfff;

/** Reads a deck file's text: size limit first (before any parsing work), then JSON, then the deck. */
export function parseDeckFile(text: string): DeckParseResult {
  const bytes = measureUtf8Bytes(text, DECK_LIMITS.FILE_BYTES_MAX);
  if (bytes > DECK_LIMITS.FILE_BYTES_MAX) {
    return fail({
      code: DECK_ERROR.FILE_TOO_LARGE,
      path: '',
      message: `The deck file is larger than ${formatMegabytes(DECK_LIMITS.FILE_BYTES_MAX)}, the largest deck Seen can open.`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text);
  } catch (error) {
    // The engine's own wording says where the file broke; it differs between browsers, so tests
    // check the code, not this detail.
    // V8 may quote surrounding lines of the file, newlines included: fold to one line, bounded.
    const detail = error instanceof Error ? ` (${error.message.replace(/\s+/g, ' ').trim().slice(0, MAX_JSON_DETAIL_CHARS)})` : '';
    return fail({ code: DECK_ERROR.INVALID_JSON, path: '', message: `The deck file is not valid JSON${detail}.` });
  }
  return parseDeck(json);
}

export function parseDeck(input: unknown): DeckParseResult {
  const errors: DeckError[] = [];
  const rawId = isRecord(input) ? readField(input, 'id') : undefined;
  const context: CheckContext = { subject: isValidId(rawId) ? `Deck "${rawId}"` : 'The deck', path: '', errors };

  if (!isRecord(input)) {
    reportError(context, DECK_ERROR.NOT_AN_OBJECT, null, `the file must contain one deck object (got ${describeType(input)}).`);
    return fail(...errors);
  }
  // Format and version first: a file that is not ours, or is from a newer Seen, would otherwise
  // drown the one useful message in a list of "unknown field" errors.
  const format = readField(input, 'format');
  if (format !== DECK_FORMAT) {
    const got = format === undefined ? 'it has no "format"' : `its "format" is ${describeValue(format)}`;
    reportError(context, DECK_ERROR.UNKNOWN_FORMAT, 'format', `this is not a Seen deck (${got}; a Seen deck's "format" is "${DECK_FORMAT}").`);
    return fail(...errors);
  }
  const version = readVersion(context, readRequired(context, input, 'version'));
  if (version !== undefined && version > DECK_FORMAT_VERSION) {
    return fail({
      code: DECK_ERROR.NEWER_VERSION,
      path: '/version',
      message:
        `This deck was made by a newer version of Seen (deck format ${version}; this version reads format ${DECK_FORMAT_VERSION}). ` +
        'Update Seen to open it.',
    });
  }

  reportUnknownKeys(context, input, DECK_KEYS, 'a deck');
  const id = readId(context, readRequired(context, input, 'id'), 'id');
  const title = readLine(context, readRequired(context, input, 'title'), 'title', { min: DECK_LIMITS.TITLE_MIN, max: DECK_LIMITS.TITLE_MAX });
  const description = readLine(context, readRequired(context, input, 'description'), 'description', {
    min: DECK_LIMITS.DESCRIPTION_MIN,
    max: DECK_LIMITS.DESCRIPTION_MAX,
  });
  const audience = readAudience(context, readRequired(context, input, 'audience'));
  const language = readLanguage(context, readRequired(context, input, 'language'));
  const prompts = readPrompts(context, readRequired(context, input, 'prompts'));

  if (errors.length > 0 || version === undefined || id === undefined || title === undefined || description === undefined) {
    return fail(...errors);
  }
  if (audience === undefined || language === undefined || prompts === undefined) return fail(...errors);
  return {
    ok: true,
    value: { format: DECK_FORMAT, version: DECK_FORMAT_VERSION, id, title, description, audience, language, prompts },
  };
}

function readVersion(context: CheckContext, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    reportError(context, DECK_ERROR.INVALID_VERSION, 'version', `"version" must be a whole number from 1 up (got ${describeValue(value)}).`);
    return undefined;
  }
  return value;
}

function readAudience(context: CheckContext, value: unknown): Audience | undefined {
  if (value === undefined) return undefined;
  const audience = AUDIENCES.find((candidate) => candidate === value);
  if (audience === undefined) {
    reportError(context, DECK_ERROR.INVALID_AUDIENCE, 'audience', `"audience" must be ${formatChoices(AUDIENCES, true)} (got ${describeValue(value)}).`);
  }
  return audience;
}

function readLanguage(context: CheckContext, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    reportError(context, DECK_ERROR.WRONG_TYPE, 'language', `"language" must be a string (got ${describeType(value)}).`);
    return undefined;
  }
  if (value.length > DECK_LIMITS.LANGUAGE_MAX || !LANGUAGE_PATTERN.test(value)) {
    reportError(context, DECK_ERROR.INVALID_LANGUAGE, 'language', `"language" must be a language tag such as "en" or "pt-BR" (got ${describeValue(value)}).`);
    return undefined;
  }
  return value;
}

function readPrompts(context: CheckContext, value: unknown): readonly Prompt[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    reportError(context, DECK_ERROR.WRONG_TYPE, 'prompts', `"prompts" must be a list of cards (got ${describeType(value)}).`);
    return undefined;
  }
  if (value.length < DECK_LIMITS.PROMPTS_MIN) {
    reportError(context, DECK_ERROR.NO_PROMPTS, 'prompts', '"prompts" is empty; a deck needs at least one card.');
    return undefined;
  }
  if (value.length > DECK_LIMITS.PROMPTS_MAX) {
    // Not checking the cards one by one: the limit exists to bound this work.
    reportError(context, DECK_ERROR.TOO_MANY_PROMPTS, 'prompts', `"prompts" has ${value.length} cards; the limit is ${DECK_LIMITS.PROMPTS_MAX}.`);
    return undefined;
  }
  const prompts: Prompt[] = [];
  const indexById = new Map<string, number>();
  let valid = true;
  for (let index = 0; index < value.length; index += 1) {
    if (context.errors.length > MAX_REPORTED_ERRORS) break;
    const result = parsePrompt(value[index], { index, path: `${PROMPTS_POINTER}/${index}` });
    if (!result.ok) {
      valid = false;
      context.errors.push(...result.errors);
      continue;
    }
    const { id } = result.value;
    const firstIndex = indexById.get(id);
    if (firstIndex !== undefined) {
      valid = false;
      context.errors.push({
        code: DECK_ERROR.DUPLICATE_ID,
        path: `${PROMPTS_POINTER}/${index}/id`,
        message: `Card "${id}" (index ${index}): "id" is already used by the card at index ${firstIndex}; card ids must be unique and never change.`,
      });
      continue;
    }
    indexById.set(id, index);
    prompts.push(result.value);
  }
  return valid ? prompts : undefined;
}

/** Caps the list so a hopeless file still yields a short, readable report. */
function fail(...errors: DeckError[]): DeckParseResult {
  if (errors.length <= MAX_REPORTED_ERRORS) return { ok: false, errors };
  const shown = errors.slice(0, MAX_REPORTED_ERRORS);
  shown.push({
    code: DECK_ERROR.TOO_MANY_ERRORS,
    path: '',
    message: `The deck has more than ${MAX_REPORTED_ERRORS} problems; fix these first and check it again.`,
  });
  return { ok: false, errors: shown };
}

/**
 * UTF-8 size without allocating an encoded copy. Stops counting once past `limit`: the caller only
 * needs to know that the file is too big, not by how much.
 */
function measureUtf8Bytes(text: string, limit: number): number {
  // Every UTF-16 unit is at least one UTF-8 byte, so a long string is too big without counting.
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let index = 0; index < text.length && bytes <= limit; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < UTF8_ONE_BYTE_BELOW) bytes += 1;
    else if (unit < UTF8_TWO_BYTES_BELOW) bytes += 2;
    else if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(index + 1))) {
      // A surrogate pair is one code point outside the BMP: 4 bytes for both halves.
      bytes += 4;
      index += 1;
    } else bytes += 3; // The rest of the BMP; a lone surrogate is encoded as U+FFFD, also 3 bytes.
  }
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= HIGH_SURROGATE_FIRST && unit <= HIGH_SURROGATE_LAST;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= LOW_SURROGATE_FIRST && unit <= LOW_SURROGATE_LAST;
}

function formatMegabytes(bytes: number): string {
  return `${bytes / BYTES_PER_MEGABYTE} MB`;
}
