/**
 * Structured logs, one JSON object per line. Callers pass named fields only: never payloads,
 * secrets, keys, signatures or full room ids (see roomTag).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, string | number | boolean | null>;
export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export function createLogger(options: { level: LogLevel | 'silent'; write?: (line: string) => void }): Logger {
  const threshold = options.level === 'silent' ? Infinity : LEVEL_ORDER[options.level];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  return {
    log(level, message, fields) {
      if (LEVEL_ORDER[level] < threshold) return;
      write(JSON.stringify({ t: new Date().toISOString(), level, msg: message, ...fields }));
    },
  };
}

/** Room ids are not secret, but logs only need enough to correlate lines. */
export function roomTag(roomId: string): string {
  return roomId.slice(0, 6);
}
