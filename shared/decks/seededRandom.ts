// A seeded PRNG for drawSession. Both partners' devices must draw the same cards from the same
// seed, so this is part of the room's behaviour, not an implementation detail: changing the hash,
// the generator or the warm-up count makes two app versions disagree about this week's cards.
// seededRandom.test.ts pins its output.
//
// cyrb128 (string → four 32-bit words) and sfc32 (Small Fast Counter) are by bryc, public domain
// (github.com/bryc/code, jshash/PRNGs.md). Only Math.imul, shifts and xors: identical in every
// JavaScript engine, unlike Math.random or anything locale- or clock-dependent.

/** sfc32 mixes poorly for its first outputs when seeded from a hash; bryc's advice is to skip some. */
const WARM_UP_OUTPUTS = 15;
const UINT32_RANGE = 2 ** 32;

const CYRB128_SEED = [1779033703, 3144134277, 1013904242, 2773480762] as const;
const CYRB128_MULTIPLIER = [597399067, 2869860233, 951274213, 2716044179] as const;
const CYRB128_FINAL_SHIFT = [18, 22, 17, 19] as const;
const SFC32_SHIFT = { RIGHT_B: 9, LEFT_C: 3, ROTATE_C: 21 } as const;
const UINT32_BITS = 32;

/** Returns a generator of floats in [0, 1), fully determined by `seed`. */
export function createSeededRandom(seed: string): () => number {
  let [a, b, c, d] = hashSeed(seed);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> SFC32_SHIFT.RIGHT_B);
    b = (c + (c << SFC32_SHIFT.LEFT_C)) | 0;
    c = (c << SFC32_SHIFT.ROTATE_C) | (c >>> (UINT32_BITS - SFC32_SHIFT.ROTATE_C));
    c = (c + t) | 0;
    return (t >>> 0) / UINT32_RANGE;
  };
  for (let skipped = 0; skipped < WARM_UP_OUTPUTS; skipped += 1) next();
  return next;
}

/** A uniformly chosen index in [0, length); length must be at least 1. */
export function pickIndex(random: () => number, length: number): number {
  return Math.floor(random() * length);
}

/** cyrb128: four well-mixed 32-bit words from a string, over its UTF-16 code units. */
function hashSeed(seed: string): [number, number, number, number] {
  let h1: number = CYRB128_SEED[0];
  let h2: number = CYRB128_SEED[1];
  let h3: number = CYRB128_SEED[2];
  let h4: number = CYRB128_SEED[3];
  const [m1, m2, m3, m4] = CYRB128_MULTIPLIER;
  for (let index = 0; index < seed.length; index += 1) {
    const unit = seed.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ unit, m1);
    h2 = h3 ^ Math.imul(h2 ^ unit, m2);
    h3 = h4 ^ Math.imul(h3 ^ unit, m3);
    h4 = h1 ^ Math.imul(h4 ^ unit, m4);
  }
  const [s1, s2, s3, s4] = CYRB128_FINAL_SHIFT;
  h1 = Math.imul(h3 ^ (h1 >>> s1), m1);
  h2 = Math.imul(h4 ^ (h2 >>> s2), m2);
  h3 = Math.imul(h1 ^ (h3 >>> s3), m3);
  h4 = Math.imul(h2 ^ (h4 >>> s4), m4);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
