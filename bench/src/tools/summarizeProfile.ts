import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and inclusive time per
// function, top N, optionally only samples between FROM and TO ms after the profile started (e.g.
// W2's measurement window, leaving out the handshakes). Usage:
// tsx src/tools/summarizeProfile.ts <file.cpuprofile> [N] [FROM_MS] [TO_MS]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summarizeProfile(path: string, top = 25, fromMs = 0, toMs = Infinity): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs < fromMs * 1000 || elapsedUs > toMs * 1000) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${url ? basename(url) : ''}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const idle = self.get('(idle) :0') ?? 0;
  const busy = total - idle;
  const lines = [`profile ${basename(path)}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`];
  const table = (title: string, map: Map<string, number>): void => {
    lines.push(`\n${title} (% of busy time)`);
    for (const [key, us] of [...map].filter(([k]) => k !== '(idle) :0' && k !== '(root) :0').sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(`${((us / busy) * 100).toFixed(1).padStart(6)} %  ${key}`);
    }
  };
  table('self', self);
  table('inclusive', inclusive);
  return lines.join('\n');
}

/** Busy stretches shorter than this (ms of profile time) are not listed. */
const MIN_STRETCH_MS = 40;
/** Idle gaps shorter than this (ms) do not end a stretch: the browser's own work between tasks. */
const STRETCH_GAP_MS = 2;

/**
 * The profile's busy stretches (consecutive non-idle samples, roughly the main thread's tasks) of at
 * least MIN_STRETCH_MS, each with the functions that took most of it (inclusive) — what made a
 * long task long.
 */
export function describeBusyStretches(path: string, topPerStretch = 12): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'} ${url ? basename(url) : ''}:${lineNumber + 1}`;
  };
  const isIdle = (id: number): boolean => byId.get(id)?.callFrame.functionName === '(idle)';
  const stretches: { startUs: number; endUs: number; samples: { id: number; us: number }[] }[] = [];
  let at = 0;
  let current: (typeof stretches)[number] | null = null;
  let idleSinceUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (isIdle(id)) {
      idleSinceUs += delta;
      if (current && idleSinceUs > STRETCH_GAP_MS * 1000) {
        stretches.push(current);
        current = null;
      }
      return;
    }
    idleSinceUs = 0;
    current ??= { startUs: at, endUs: at, samples: [] };
    current.endUs = at;
    current.samples.push({ id, us: delta });
  });
  if (current) stretches.push(current);
  const lines: string[] = [];
  for (const stretch of stretches) {
    const ms = (stretch.endUs - stretch.startUs) / 1000;
    if (ms < MIN_STRETCH_MS) continue;
    const inclusive = new Map<string, number>();
    let busy = 0;
    for (const { id, us } of stretch.samples) {
      busy += us;
      const seen = new Set<string>();
      for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
        const key = label(byId.get(node)!);
        if (seen.has(key) || key === '(root) :0') continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
    }
    lines.push(`\nstretch at ${(stretch.startUs / 1000).toFixed(0)} ms: ${ms.toFixed(0)} ms (${(busy / 1000).toFixed(0)} ms busy)`);
    for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, topPerStretch)) {
      lines.push(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${key}`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && process.argv[1].endsWith('summarizeProfile.ts')) {
  const [file, top, from, to] = process.argv.slice(2);
  console.log(summarizeProfile(file!, Number(top ?? 25), Number(from ?? 0), Number(to ?? Infinity)));
}
