// SYNC-22 replays a real editing trace when it is beside the repository and this synthetic stand-in
// otherwise; these tests hold the stand-in to the real trace's shape so a fresh clone still replays
// typing and backspacing at scattered positions, not just appends.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyTrace, generateKeystrokeTrace, loadEditingTrace } from './editingTraces.ts';

const KEYSTROKES = 3_000;

describe('editing traces for SYNC-22', () => {
  it('SYNC-22 the synthetic trace is seeded: the same seed gives the same keystrokes, another seed others', () => {
    expect(generateKeystrokeTrace(KEYSTROKES, 7)).toEqual(generateKeystrokeTrace(KEYSTROKES, 7));
    expect(applyTrace(generateKeystrokeTrace(KEYSTROKES, 7))).not.toBe(applyTrace(generateKeystrokeTrace(KEYSTROKES, 8)));
  });

  it('SYNC-22 the synthetic trace mixes one-character typing and backspacing like the real one (about 19% deletes), always inside the text', () => {
    const patches = generateKeystrokeTrace(KEYSTROKES);
    expect(patches).toHaveLength(KEYSTROKES);
    let length = 0;
    let deletes = 0;
    let insideText = 0;
    for (const [position, deleteCount, insert] of patches) {
      expect(deleteCount + insert.length).toBe(1);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position + deleteCount).toBeLessThanOrEqual(length);
      if (deleteCount > 0) deletes += 1;
      if (position + deleteCount < length) insideText += 1;
      length += insert.length - deleteCount;
    }
    expect(deletes / KEYSTROKES).toBeGreaterThan(0.12);
    expect(deletes / KEYSTROKES).toBeLessThan(0.26);
    // Most edits revise earlier text rather than append (the real trace: 84%).
    expect(insideText / KEYSTROKES).toBeGreaterThan(0.6);
    expect(applyTrace(patches)).toHaveLength(length);
  });

  it('SYNC-22 the real trace is used when its file is there: the first patches of its history, in order', () => {
    const directory = mkdtempSync(join(tmpdir(), 'seen-trace-'));
    const txns = [{ patches: [[0, 0, 'h']] }, { patches: [[1, 0, 'i'], [0, 1, '']] }];
    writeFileSync(join(directory, 'automerge-paper.json.gz'), gzipSync(JSON.stringify({ txns })));
    const trace = loadEditingTrace(2, directory);
    expect(trace.name).toContain('automerge-paper');
    expect(trace.patches).toEqual([[0, 0, 'h'], [1, 0, 'i']]);
    expect(loadEditingTrace(5, join(directory, 'absent')).name).toContain('synthetic');
  });
});
