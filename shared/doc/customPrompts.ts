import type * as Y from 'yjs';
import { localOrigin } from './origins.ts';
import { isRecord, readFiniteNumber, readString, readStringArray } from './parse.ts';
import { MAX_PROMPT_LENGTH, RootKey, readLevel, rootMap, type Level } from './schema.ts';

export type PromptKind = 'question' | 'reflection' | 'action';
export const PROMPT_KINDS: readonly PromptKind[] = ['question', 'reflection', 'action'];

/** A prompt in the shared deck format, plus who added it to this room (APP-13). */
export interface CustomPrompt {
  readonly id: string;
  readonly level: Level;
  readonly kind: PromptKind;
  readonly themes: readonly string[];
  readonly text: string;
  readonly deeper?: string;
  readonly addedBy: string | null;
  readonly addedAt: number | null;
}

export const CUSTOM_PROMPT_PREFIX = 'own-';

function readKind(value: unknown): PromptKind | null {
  return value === 'question' || value === 'reflection' || value === 'action' ? value : null;
}

export function addCustomPrompt(
  doc: Y.Doc,
  options: {
    readonly id: string;
    readonly text: string;
    readonly level: Level;
    readonly kind: PromptKind;
    readonly themes?: readonly string[];
    readonly deeper?: string;
    readonly memberId: string;
    readonly now: number;
  },
): CustomPrompt | null {
  const text = options.text.replace(/\s+/g, ' ').trim().slice(0, MAX_PROMPT_LENGTH);
  if (!text) return null;
  const id = options.id.startsWith(CUSTOM_PROMPT_PREFIX) ? options.id : `${CUSTOM_PROMPT_PREFIX}${options.id}`;
  const deeper = options.deeper?.trim().slice(0, MAX_PROMPT_LENGTH);
  const prompt = {
    id,
    level: options.level,
    kind: options.kind,
    themes: [...(options.themes ?? ['our own'])],
    text,
    ...(deeper ? { deeper } : {}),
    addedBy: options.memberId,
    addedAt: options.now,
  };
  doc.transact(() => rootMap(doc, RootKey.CustomPrompts).set(id, prompt), localOrigin('custom-prompt'));
  return prompt;
}

export function removeCustomPrompt(doc: Y.Doc, id: string): void {
  doc.transact(() => rootMap(doc, RootKey.CustomPrompts).delete(id), localOrigin('custom-prompt'));
}

export function readCustomPrompts(doc: Y.Doc): CustomPrompt[] {
  const prompts: CustomPrompt[] = [];
  rootMap(doc, RootKey.CustomPrompts).forEach((value, key) => {
    if (!isRecord(value)) return;
    const level = readLevel(value.level);
    const kind = readKind(value.kind);
    const text = readString(value.text, MAX_PROMPT_LENGTH);
    if (value.id !== key || level === null || kind === null || !text) return;
    const deeper = readString(value.deeper, MAX_PROMPT_LENGTH);
    prompts.push({
      id: key,
      level,
      kind,
      themes: readStringArray(value.themes, 20),
      text,
      ...(deeper ? { deeper } : {}),
      addedBy: readString(value.addedBy, 200),
      addedAt: readFiniteNumber(value.addedAt),
    });
  });
  return prompts.sort((a, b) => (a.addedAt ?? 0) - (b.addedAt ?? 0));
}
