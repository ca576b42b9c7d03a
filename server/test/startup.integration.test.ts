import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_SCHEMA_VERSION } from '../src/storage/migrateSqliteSchema.ts';
import { FRAME, PUSH_STATUS, encodeNudgeFrame } from '@seen/shared/protocol';
import { generateRoomSecret } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { spawnRelayProcess } from './relayProcess.ts';
import { connectRawClient } from './rawClient.ts';
import { createPushSubscriber, startPushEndpoint } from './pushEndpoint.ts';

let dataDir = '';

/** What a relay process says when it starts with these settings: 'started' (it is then stopped), or its error output. */
async function startUpOutcome(options: Parameters<typeof spawnRelayProcess>[0]): Promise<string> {
  return spawnRelayProcess(options).then(
    async (relay) => {
      relay.child.kill('SIGKILL');
      await relay.exited;
      return 'started';
    },
    (error: unknown) => String(error),
  );
}
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
    const failure = await startUpOutcome({ dataDir });
    expect(failure).toContain(`Seen could not open its data file ${file}`);
    expect(failure).toContain('Run a newer Seen relay');
    expect(failure).not.toMatch(/\n\s+at /); // no stack frames
  });

  it('CLUSTER-8 REDIS_URL without DATABASE_URL stops start-up with a sentence: relays share rooms only through one database', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const started = await startUpOutcome({ dataDir, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(started).toContain('REDIS_URL is set but DATABASE_URL is not');
    expect(started).toContain('Set DATABASE_URL on every relay too');
    expect(started).not.toMatch(/\n\s+at /);
  });

  it('CLUSTER-8 a DATABASE_URL that cannot be reached stops start-up with a sentence naming the setting', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const failure = await startUpOutcome({ dataDir, env: { DATABASE_URL: 'postgres://seen@127.0.0.1:1/seen' } });
    expect(failure).toContain('Seen could not open its PostgreSQL database (DATABASE_URL)');
    expect(failure).not.toMatch(/\n\s+at /);
  });

  it('PUSH-3 a bad PUSH_CONTACT stops start-up with a sentence', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const failure = await startUpOutcome({ dataDir, env: { PUSH_CONTACT: 'operator at example dot com' } });
    expect(failure).toContain('PUSH_CONTACT must be a mailto: address or an https: URL');
    expect(failure).not.toMatch(/\n\s+at /);
  });

  it('PUSH-3 the push settings reach a relay process: with PUSH_ALLOWED_HOSTS and the test setting it pushes to a local endpoint whose certificate NODE_EXTRA_CA_CERTS trusts; without the setting it refuses the loopback endpoint', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'seen-startup-'));
    const endpoint = await startPushEndpoint();
    const certificateFile = join(dataDir, 'push-endpoint.pem');
    writeFileSync(certificateFile, endpoint.certificate);
    const env = { PUSH_ALLOWED_HOSTS: 'push.example, 127.0.0.1', NODE_EXTRA_CA_CERTS: certificateFile, PUSH_CONTACT: 'mailto:ops@example.org' };
    const strict = await spawnRelayProcess({ dataDir: join(dataDir, 'strict'), env });
    const open = await spawnRelayProcess({ dataDir: join(dataDir, 'open'), env: { ...env, PUSH_ALLOW_PRIVATE_ADDRESSES: '1' } });
    try {
      const answerOf = async (wsUrl: string, frames: readonly Uint8Array[], expected: number): Promise<number[]> => {
        const client = await connectRawClient({ wsUrl, secret });
        await client.ready;
        for (const frame of frames) client.sendRaw(frame);
        await waitFor(() => client.frames.filter((frame) => frame.kind === FRAME.PUSH_STATUS).length === expected, { timeoutMs: 10_000, what: 'push answers' });
        client.close();
        await client.closed;
        return client.frames.flatMap((frame) => (frame.kind === FRAME.PUSH_STATUS ? [frame.status] : []));
      };
      const secret = generateRoomSecret();
      const subscriber = createPushSubscriber(endpoint.url('process'));
      expect(await answerOf(strict.wsUrl, [subscriber.frame()], 1)).toEqual([PUSH_STATUS.ENDPOINT_NOT_ALLOWED]);
      expect(await answerOf(open.wsUrl, [subscriber.frame()], 1)).toEqual([PUSH_STATUS.OK]);
      expect(await answerOf(open.wsUrl, [encodeNudgeFrame()], 1)).toEqual([PUSH_STATUS.OK]);
      await waitFor(() => endpoint.received.length === 1, { timeoutMs: 10_000, what: 'the push from the relay process' });
      expect(endpoint.received[0]!.headers.authorization).toMatch(/^vapid t=/);
      expect(subscriber.decrypt(endpoint.received[0]!.body)).toMatch(/^[\w-]{22}$/);
    } finally {
      for (const relay of [strict, open]) relay.child.kill('SIGKILL');
      await Promise.all([strict.exited, open.exited]);
      await endpoint.close();
    }
  });
});
