import { DEFAULT_LIMITS, fail, ok, type RelayLimits, type Result } from '@seen/shared/protocol';

/**
 * Parses `RELAY_LIMITS_JSON`, an object merged over DEFAULT_LIMITS (load tests raise per-socket
 * rates; a small host may lower quotas). Unknown keys and non-positive numbers are refused with a
 * sentence, so a typo fails at start-up instead of silently running with the default.
 */
export function parseLimitOverrides(text: string): Result<Partial<RelayLimits>, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('RELAY_LIMITS_JSON is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('RELAY_LIMITS_JSON must be a JSON object, e.g. {"putsPerSecond": 1000}.');
  }
  const overrides: Partial<RelayLimits> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) {
      return fail(`RELAY_LIMITS_JSON has an unknown limit "${key}"; known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}.`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      return fail(`RELAY_LIMITS_JSON: "${key}" must be a positive number.`);
    }
    overrides[key as keyof RelayLimits] = value;
  }
  return ok(overrides);
}
