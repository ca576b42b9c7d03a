// One card (DECK-4). Used by parseDeck for every card of a file, and by the room for custom
// prompts, which cross the same trust boundary (they arrive decrypted from the partner's device).
import { DECK_ERROR, describeType, describeValue, formatChoices, type DeckError, type DeckResult } from './deckError';
import {
  isRecord,
  isValidId,
  readField,
  readId,
  readLine,
  readRequired,
  reportError,
  reportUnknownKeys,
  type CheckContext,
} from './deckFieldChecks';
import { DECK_LIMITS, PROMPT_KEYS, PROMPT_KINDS, PROMPT_LEVELS, THEMES, type Prompt, type PromptKind, type PromptLevel, type Theme } from './deckFormat';

export type PromptLocation = {
  /** Position in the list, shown in messages so a card without a valid id can still be found. */
  readonly index: number;
  /** JSON Pointer of the card, e.g. `/prompts/13`. */
  readonly path: string;
};

const TEXT_LIMITS = { min: DECK_LIMITS.TEXT_MIN, max: DECK_LIMITS.TEXT_MAX } as const;

export function parsePrompt(input: unknown, location: PromptLocation): DeckResult<Prompt> {
  const errors: DeckError[] = [];
  const rawId = isRecord(input) ? readField(input, 'id') : undefined;
  const subject = isValidId(rawId) ? `Card "${rawId}" (index ${location.index})` : `Card at index ${location.index}`;
  const context: CheckContext = { subject, path: location.path, errors };

  if (!isRecord(input)) {
    reportError(context, DECK_ERROR.NOT_AN_OBJECT, null, `must be an object with "id", "level", "kind", "themes" and "text" (got ${describeType(input)}).`);
    return { ok: false, errors };
  }

  reportUnknownKeys(context, input, PROMPT_KEYS, 'a card');
  const id = readId(context, readRequired(context, input, 'id'), 'id');
  const level = readLevel(context, readRequired(context, input, 'level'));
  const kind = readKind(context, readRequired(context, input, 'kind'));
  const themes = readThemes(context, readRequired(context, input, 'themes'));
  const text = readLine(context, readRequired(context, input, 'text'), 'text', TEXT_LIMITS);
  const rawDeeper = readField(input, 'deeper');
  const deeper = readLine(context, rawDeeper, 'deeper', TEXT_LIMITS);

  if (errors.length > 0 || id === undefined || level === undefined || kind === undefined || themes === undefined || text === undefined) {
    return { ok: false, errors };
  }
  // Built field by field in canonical order: the result never aliases the input, and no stray
  // property can ride along into the room document.
  const prompt: Prompt = deeper === undefined ? { id, level, kind, themes, text } : { id, level, kind, themes, text, deeper };
  return { ok: true, value: prompt };
}

function readLevel(context: CheckContext, value: unknown): PromptLevel | undefined {
  if (value === undefined) return undefined;
  const level = PROMPT_LEVELS.find((candidate) => candidate === value);
  if (level === undefined) {
    reportError(context, DECK_ERROR.INVALID_LEVEL, 'level', `"level" must be ${formatChoices(PROMPT_LEVELS, false)} (got ${describeValue(value)}).`);
  }
  return level;
}

function readKind(context: CheckContext, value: unknown): PromptKind | undefined {
  if (value === undefined) return undefined;
  const kind = PROMPT_KINDS.find((candidate) => candidate === value);
  if (kind === undefined) {
    reportError(context, DECK_ERROR.INVALID_KIND, 'kind', `"kind" must be ${formatChoices(PROMPT_KINDS, true)} (got ${describeValue(value)}).`);
  }
  return kind;
}

function readThemes(context: CheckContext, value: unknown): readonly Theme[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    reportError(context, DECK_ERROR.WRONG_TYPE, 'themes', `"themes" must be a list of theme names (got ${describeType(value)}).`);
    return undefined;
  }
  if (value.length < DECK_LIMITS.THEMES_MIN || value.length > DECK_LIMITS.THEMES_MAX) {
    reportError(
      context,
      DECK_ERROR.WRONG_THEME_COUNT,
      'themes',
      `"themes" must list ${DECK_LIMITS.THEMES_MIN} to ${DECK_LIMITS.THEMES_MAX} themes (got ${value.length}).`,
    );
    return undefined;
  }
  const themes: Theme[] = [];
  let valid = true;
  // An index loop, not forEach: forEach skips holes in a sparse array, which would hide them.
  for (let position = 0; position < value.length; position += 1) {
    const item: unknown = value[position];
    const theme = THEMES.find((candidate) => candidate === item);
    if (theme === undefined) {
      valid = false;
      const got = typeof item === 'string' ? `${describeValue(item)}, which is not a Seen theme` : `${describeType(item)}, which is not a theme name`;
      reportError(context, DECK_ERROR.UNKNOWN_THEME, 'themes', `"themes" contains ${got}; use ${formatChoices(THEMES, true)}.`, position);
    } else if (themes.includes(theme)) {
      valid = false;
      reportError(context, DECK_ERROR.DUPLICATE_THEME, 'themes', `"themes" lists "${theme}" twice.`, position);
    } else {
      themes.push(theme);
    }
  }
  return valid ? themes : undefined;
}
