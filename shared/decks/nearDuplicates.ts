// Near-duplicate prompts (DECK-11). Users' top complaint about question apps is repetition
// (WRITING.md rule 8: "the questions started to feel repetitive"), and a reworded copy of a card
// is repetition the id check cannot see. Pure and deterministic; used by the shipped-deck test and
// usable by a deck editor.
import { type Prompt } from './deckFormat';

/**
 * Words that carry grammar, not meaning. Pronouns are deliberately NOT here: "proud of you" and
 * "proud of yourself" are different questions, and in this domain who is asked about matters.
 */
const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'of', 'to', 'in', 'on', 'at', 'for', 'with', 'about', 'from', 'by', 'as', 'into',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'do', 'does', 'did', 'have', 'has', 'had',
  'that', 'this', 'these', 'those', 'it', 'its', 'there', 'so', 'than', 'then', 'if', 'just', 'very', 'really',
  'what', 'which', 'who', 'whom', 'would', 'could', 'can', 'will', 'shall', 'should', 'might', 'may',
]);

/**
 * Character trigrams over the content words (with a space at each end). Trigrams rather than whole
 * words so inflections still match ("ask"/"asked", "feel"/"feeling") — word shingles scored real
 * rewordings as low as 0.33 in calibration (nearDuplicates.test.ts).
 */
const SHINGLE_CHARS = 3;

/**
 * Chosen from the calibration pairs in nearDuplicates.test.ts: rewordings of one card (a word
 * swapped, a clause added or dropped) score 0.75–0.85; cards that share a topic or an opening score
 * 0.15–0.6. Between them is a grey zone (0.6–0.7) of cards built on one template with a single key
 * word changed ("one fear you rarely say out loud" / "one hope …" scores 0.68); those pass, because
 * they ask different things, but a writer should still vary the wording.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.7;

export type NearDuplicate = {
  readonly firstId: string;
  readonly secondId: string;
  /** Jaccard similarity of the two texts' trigram sets, 0…1. */
  readonly similarity: number;
};

/** Pairs whose similarity is at least `threshold`, most similar first. */
export function findNearDuplicates(prompts: readonly Pick<Prompt, 'id' | 'text'>[], threshold: number): NearDuplicate[] {
  const shingled = prompts.map((prompt) => ({ id: prompt.id, shingles: collectShingles(prompt.text) }));
  const pairs: NearDuplicate[] = [];
  for (let first = 0; first < shingled.length; first += 1) {
    for (let second = first + 1; second < shingled.length; second += 1) {
      const left = shingled[first];
      const right = shingled[second];
      if (left === undefined || right === undefined) continue;
      const similarity = measureJaccard(left.shingles, right.shingles);
      if (similarity >= threshold) pairs.push({ firstId: left.id, secondId: right.id, similarity });
    }
  }
  return pairs.sort((left, right) => right.similarity - left.similarity);
}

/** Similarity of two texts, 0 (nothing shared) to 1 (the same content words). */
export function measureTextSimilarity(left: string, right: string): number {
  return measureJaccard(collectShingles(left), collectShingles(right));
}

/** Lowercase words: accents folded, apostrophes dropped ("don't" → "dont"), punctuation gone. */
export function splitWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** The content words of a text: splitWords without stop words. */
export function normalizeWords(text: string): string[] {
  return splitWords(text).filter((word) => !STOP_WORDS.has(word));
}

function collectShingles(text: string): Set<string> {
  const padded = ` ${normalizeWords(text).join(' ')} `;
  const shingles = new Set<string>();
  for (let start = 0; start + SHINGLE_CHARS <= padded.length; start += 1) shingles.add(padded.slice(start, start + SHINGLE_CHARS));
  return shingles;
}

function measureJaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const shingle of left) if (right.has(shingle)) shared += 1;
  return shared / (left.size + right.size - shared);
}
