import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION } from '../src/storage/migrateSqliteSchema.ts';
import { spawnRelayProcess } from './relayProcess.ts';

let dataDir = '';
afterEach(() => {
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
});

describe('relay start-up (the real entry point)', () => {
  it('STORE-15 a data file from a newer relay stops start-up with a sentence naming the file, not a stack trace', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const file = join(dataDir, 'seen-relay.sqlite');
    const newer = new Database(file);
    newer.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    newer.close();
    const failure = await spawnRelayProcess({ dataDir }).then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(failure).toContain(`Seen could not open its data file ${file}`);
    expect(failure).toContain('Run a newer Seen relay');
    expect(failure).not.toMatch(/\n\s+at /); // no stack frames
  });
});
