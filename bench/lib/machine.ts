/** What the numbers were measured on, recorded with every result. */
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  v8: string;
  platform: string;
  /** ISO date of the measurement. */
  date: string;
  /** 1/5/15-minute load averages at the start: above the core count means the machine was busy. */
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** One line for a table caption: `AMD EPYC, 2 cores, 23.5 GiB, Node v20.20.2, 2026-…, load 1.2`. */
export function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, Node ${m.node} (V8 ${m.v8}), ${m.platform}, ${m.date}, load average ${m.loadavg.join(' / ')}`;
}
