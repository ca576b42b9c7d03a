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

  it('CLUSTER-8 REDIS_URL without DATABASE_URL stops start-up with a sentence: relays share rooms only through one database', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const started = await spawnRelayProcess({ dataDir, env: { REDIS_URL: 'redis://127.0.0.1:1' } }).then(
      async (relay) => {
        relay.child.kill('SIGKILL');
        await relay.exited;
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(started).toContain('REDIS_URL is set but DATABASE_URL is not');
    expect(started).toContain('Set DATABASE_URL on every relay too');
    expect(started).not.toMatch(/\n\s+at /);
  });

  it('CLUSTER-8 a DATABASE_URL that cannot be reached stops start-up with a sentence naming the setting', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const failure = await spawnRelayProcess({ dataDir, env: { DATABASE_URL: 'postgres://seen@127.0.0.1:1/seen' } }).then(
      async (relay) => {
        relay.child.kill('SIGKILL');
        await relay.exited;
        return 'started';
      },
      (error: unknown) => String(error),
    );
    expect(failure).toContain('Seen could not open its PostgreSQL database (DATABASE_URL)');
    expect(failure).not.toMatch(/\n\s+at /);
  });
});
