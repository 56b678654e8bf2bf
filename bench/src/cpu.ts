import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 (1-based) of the whole line; index 11 and 12 after the command.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function pidsByName(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

export type CpuGroups = Record<string, () => number[]>;

/** CPU seconds each group of processes used between start() and stop() (Linux /proc). */
export class CpuMeter {
  private before = new Map<number, number>();
  constructor(private readonly groups: CpuGroups) {}

  static byName(name: string) {
    return () => pidsByName(name);
  }

  start() {
    this.before.clear();
    for (const get of Object.values(this.groups)) for (const pid of get()) this.before.set(pid, ticksOf(pid));
  }

  stop(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [group, get] of Object.entries(this.groups)) {
      let ticks = 0;
      for (const pid of get()) ticks += ticksOf(pid) - (this.before.get(pid) ?? 0);
      out[group] = ticks / TICKS_PER_SECOND;
    }
    return out;
  }
}
