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

if (process.argv[1] !== undefined && process.argv[1].endsWith('summarizeProfile.ts')) {
  const [file, top, from, to] = process.argv.slice(2);
  console.log(summarizeProfile(file!, Number(top ?? 25), Number(from ?? 0), Number(to ?? Infinity)));
}
