import type * as Y from 'yjs';
import type { Prompt, PromptKind, Theme } from '../decks/deckFormat.ts';
import { parsePrompt } from '../decks/parsePrompt.ts';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readString } from './parse.ts';
import { RootKey, rootMap, type Level } from './schema.ts';

/**
 * A prompt the members wrote themselves. `prompt` is stored exactly in the deck format (so a room's
 * own cards can be exported as a deck file) and is parsed with the deck parser on every read: it
 * arrives decrypted from another device, which is a trust boundary like any imported file (APP-13).
 */
export interface CustomPrompt {
  readonly prompt: Prompt;
  readonly addedBy: string | null;
  readonly addedAt: number | null;
}

/** Own cards get ids in the deck id format that no shipped deck uses. */
export const CUSTOM_PROMPT_PREFIX = 'own-';
export const DEFAULT_CUSTOM_THEME: Theme = 'us';

export type AddCustomPromptResult = { readonly ok: true; readonly prompt: Prompt } | { readonly ok: false; readonly message: string };

export function addCustomPrompt(
  doc: Y.Doc,
  options: {
    /** Lowercase letters and digits; prefixed with `own-`. */
    readonly id: string;
    readonly text: string;
    readonly level: Level;
    readonly kind: PromptKind;
    readonly themes?: readonly Theme[];
    readonly deeper?: string;
    readonly memberId: string;
    readonly now: number;
  },
): AddCustomPromptResult {
  const id = `${CUSTOM_PROMPT_PREFIX}${options.id.toLowerCase().replace(/[^a-z0-9-]/g, '')}`.slice(0, 48);
  const deeper = options.deeper?.replace(/\s+/g, ' ').trim();
  const candidate = {
    id,
    level: options.level,
    kind: options.kind,
    themes: [...(options.themes?.length ? options.themes : [DEFAULT_CUSTOM_THEME])],
    text: options.text.replace(/\s+/g, ' ').trim(),
    ...(deeper ? { deeper } : {}),
  };
  const parsed = parsePrompt(candidate, { index: 0, path: `/customPrompts/${id}` });
  if (!parsed.ok) return { ok: false, message: parsed.errors[0]?.message ?? 'This card could not be saved.' };
  doc.transact(
    () => rootMap(doc, RootKey.CustomPrompts).set(id, { prompt: parsed.value, addedBy: options.memberId, addedAt: options.now }),
    localOrigin('custom-prompt'),
  );
  return { ok: true, prompt: parsed.value };
}

export function removeCustomPrompt(doc: Y.Doc, id: string): void {
  doc.transact(() => rootMap(doc, RootKey.CustomPrompts).delete(id), localOrigin('custom-prompt'));
}

export function readCustomPrompts(doc: Y.Doc): CustomPrompt[] {
  const prompts: CustomPrompt[] = [];
  rootMap(doc, RootKey.CustomPrompts).forEach((value, key) => {
    if (!isRecord(value) || !key.startsWith(CUSTOM_PROMPT_PREFIX)) return;
    const parsed = parsePrompt(value.prompt, { index: prompts.length, path: `/customPrompts/${key}` });
    if (!parsed.ok || parsed.value.id !== key) return;
    prompts.push({ prompt: parsed.value, addedBy: readString(value.addedBy, 200), addedAt: readFiniteNumber(value.addedAt) });
  });
  return prompts.sort((a, b) => (a.addedAt ?? 0) - (b.addedAt ?? 0));
}
