// Tolerant readers for values that came out of the document. The document is authenticated (only
// room members can write it) but may have been written by another app version, so a reader turns
// anything odd into "absent" instead of throwing (APP-21).

export function readString(value: unknown, maxLength = 100_000): string | null {
  return typeof value === 'string' ? value.slice(0, maxLength) : null;
}

export function readFiniteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function readIntInRange(value: unknown, min: number, max: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

export function readBoolean(value: unknown): boolean {
  return value === true;
}

export function readStringArray(value: unknown, maxItems = 1_000): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string').slice(0, maxItems);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
