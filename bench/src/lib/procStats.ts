import { readFileSync } from 'node:fs';

// Linux clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK; 100 on every common kernel).
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU of a process (all threads), in microseconds, from /proc/<pid>/stat. */
export function readCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces; everything after the closing paren is space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? 0 : Number(match[1]) * 1024;
}

/** CPU use of this process in microseconds (precise; includes every thread). */
export function selfCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** 1-minute load average and the number of running processes other than ours, as a busy-machine hint. */
export function machineLoad(): { load1: number; runnable: number } {
  const [load1, , , running] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return { load1: Number(load1), runnable: Number((running ?? '0/0').split('/')[0]) };
}

/** Non-idle CPU time per core in microseconds, from /proc/stat (guest time is already in user). */
export function coreBusyMicros(): number[] {
  const cores: number[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const v = match[2]!.trim().split(/\s+/).map(Number);
    const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0) + (v[7] ?? 0);
    cores[Number(match[1])] = (busy * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  }
  return cores;
}
