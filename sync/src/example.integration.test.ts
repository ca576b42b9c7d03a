import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '@seen/server/testing';

// The README's example, run as a newcomer would: two plain Node processes (no TypeScript loader)
// importing the built package by name, editing one Y.Text through a real relay (SPEC SYNC-25).

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST_ENTRY = join(PACKAGE_DIR, 'dist/index.js');
const EXAMPLE = join(PACKAGE_DIR, 'examples/edit-together.mjs');
const PROCESS_BUDGET_MS = 60_000;

function newestSourceTime(): number {
  let newest = 0;
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(PACKAGE_DIR, 'src'));
  return newest;
}

/** Builds dist/ when it is missing or older than the sources (`pnpm test:unit` builds it first). */
function ensureBuilt(): void {
  if (existsSync(DIST_ENTRY) && statSync(DIST_ENTRY).mtimeMs >= newestSourceTime()) return;
  const built = spawnSync('pnpm', ['run', 'build'], { cwd: PACKAGE_DIR, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building @seen/sync failed:\n${built.stdout}\n${built.stderr}`);
}

interface Finished {
  readonly code: number | null;
  readonly lines: string[];
  readonly stderr: string;
}

function runExample(args: string[]): { readonly child: ChildProcessWithoutNullStreams; readonly firstLine: Promise<string>; readonly finished: Promise<Finished> } {
  const child = spawn(process.execPath, [EXAMPLE, ...args], { cwd: PACKAGE_DIR });
  let stdout = '';
  let stderr = '';
  let resolveFirst: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (resolveFirst = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('\n')) resolveFirst(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code) => resolve({ code, lines: stdout.trim().split('\n'), stderr }));
  });
  return { child, firstLine, finished };
}

function withinBudget<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), PROCESS_BUDGET_MS).unref()),
  ]);
}

let relay: TestRelay | null = null;
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await relay?.close();
  relay = null;
});

describe('@seen/sync as a package (SPEC SYNC-25)', () => {
  beforeAll(ensureBuilt, 180_000);

  it('SYNC-25: the README example runs as two plain Node processes and both end with the same text', async () => {
    relay = await startTestRelay();
    const creator = runExample([relay.wsUrl]);
    children.push(creator.child);
    const link = await withinBudget(creator.firstLine, 'the invite link');
    expect(link).toMatch(/^https:\/\/seen\.example\/join#k=[A-Za-z0-9_-]{43}$/);
    const joiner = runExample([relay.wsUrl, link]);
    children.push(joiner.child);
    const [created, joined] = await withinBudget(Promise.all([creator.finished, joiner.finished]), 'both processes to finish');
    expect(created.stderr).toBe('');
    expect(joined.stderr).toBe('');
    expect([created.code, joined.code]).toEqual([0, 0]);
    const createdText = created.lines.at(-1)!;
    expect(createdText).toContain('[created]');
    expect(createdText).toContain('[joined]');
    expect(joined.lines.at(-1)).toBe(createdText);
  }, 120_000);

  it('SYNC-25: the README shows exactly the example that runs', () => {
    const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
    const shown = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toBe(readFileSync(EXAMPLE, 'utf8'));
  });

  it('SYNC-25: a cut-off invite link stops the joiner with the sentence meant for a person', async () => {
    relay = await startTestRelay();
    const joiner = runExample([relay.wsUrl, 'https://seen.example/join#k=too-short']);
    children.push(joiner.child);
    const result = await withinBudget(joiner.finished, 'the joiner to stop');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('This invite link looks cut off or altered. Ask your partner to copy the whole link again.');
  }, 60_000);
});
