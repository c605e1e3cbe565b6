/**
 * /proc/stat: per-CPU times, context switches, interrupts, forks, boot time, run queue and
 * softirq counts. Pure parsing; the cpu and stat collectors read the file.
 */

/** USER_HZ: the unit of /proc/stat CPU times. Linux fixes it at 100 for user space. */
export const USER_HZ = 100;

/** Seconds per mode for one CPU, node_exporter's procfs.CPUStat. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;

/** The softirq vectors, in /proc/stat's order, with node_exporter's label values. */
export const SOFTIRQ_VECTORS = ['hi', 'timer', 'net_tx', 'net_rx', 'block', 'block_iopoll', 'tasklet', 'sched', 'hrtimer', 'rcu'] as const;

export interface ProcStat {
  /** Per-CPU times, keyed by the CPU number of its `cpuN` line. */
  cpus: Map<number, CpuTimes>;
  contextSwitches?: number;
  bootTime?: number;
  forks?: number;
  procsRunning?: number;
  procsBlocked?: number;
  /** Total interrupts serviced (the first number of the `intr` line). */
  interrupts?: number;
  /** Per-vector softirq counts, in SOFTIRQ_VECTORS order (when the line is there). */
  softirqs?: number[];
}

function toNumber(field: string | undefined, line: string): number {
  const n = Number(field);
  if (field === undefined || field === '' || !Number.isFinite(n)) throw new Error(`/proc/stat: invalid number ${JSON.stringify(field)} in line ${JSON.stringify(line.slice(0, 80))}`);
  return n;
}

function cpuTimes(fields: string[], line: string): CpuTimes {
  const t = (i: number): number => (i < fields.length ? toNumber(fields[i], line) / USER_HZ : 0);
  return {
    user: t(1),
    nice: t(2),
    system: t(3),
    idle: t(4),
    iowait: t(5),
    irq: t(6),
    softirq: t(7),
    steal: t(8),
    guest: t(9),
    guestNice: t(10),
  };
}

/** Parses the text of /proc/stat. */
export function parseProcStat(text: string): ProcStat {
  const out: ProcStat = { cpus: new Map() };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    switch (key) {
      case 'ctxt':
        out.contextSwitches = toNumber(line.slice(space + 1).trim(), line);
        break;
      case 'btime':
        out.bootTime = toNumber(line.slice(space + 1).trim(), line);
        break;
      case 'processes':
        out.forks = toNumber(line.slice(space + 1).trim(), line);
        break;
      case 'procs_running':
        out.procsRunning = toNumber(line.slice(space + 1).trim(), line);
        break;
      case 'procs_blocked':
        out.procsBlocked = toNumber(line.slice(space + 1).trim(), line);
        break;
      case 'intr': {
        // Only the total; the per-IRQ list can hold thousands of numbers.
        const rest = line.slice(space + 1).trimStart();
        const end = rest.indexOf(' ');
        out.interrupts = toNumber(end < 0 ? rest : rest.slice(0, end), line);
        break;
      }
      case 'softirq': {
        const fields = line.trim().split(/\s+/);
        out.softirqs = SOFTIRQ_VECTORS.map((_, i) => (i + 2 < fields.length ? toNumber(fields[i + 2], line) : 0));
        break;
      }
      default:
        if (key.startsWith('cpu') && key.length > 3) {
          const id = Number(key.slice(3));
          if (!Number.isInteger(id)) throw new Error(`/proc/stat: invalid CPU line ${JSON.stringify(line.slice(0, 80))}`);
          out.cpus.set(id, cpuTimes(line.trim().split(/\s+/), line));
        }
    }
  }
  return out;
}
