import { describe, expect, it } from 'vitest';
import { parseLimitOverrides } from './parseLimitOverrides.ts';

describe('RELAY_LIMITS_JSON (SPEC LIMIT-6)', () => {
  it('LIMIT-6: known positive limits override the defaults', () => {
    expect(parseLimitOverrides('{"putsPerSecond": 5000, "putBurst": 10000}')).toEqual({ ok: true, value: { putsPerSecond: 5000, putBurst: 10000 } });
  });

  it('LIMIT-6: typos, bad values and non-objects are refused with a sentence', () => {
    const unknown = parseLimitOverrides('{"putsPerSecnd": 5}');
    expect(unknown.ok === false && unknown.error).toMatch(/unknown limit "putsPerSecnd"/);
    expect(parseLimitOverrides('{"putBurst": -1}')).toEqual({ ok: false, error: 'RELAY_LIMITS_JSON: "putBurst" must be a positive number.' });
    expect(parseLimitOverrides('[1]').ok).toBe(false);
    expect(parseLimitOverrides('{').ok).toBe(false);
  });
});
