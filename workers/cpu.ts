/**
 * cpu: node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total{cpu,mode}, plus
 * node_cpu_isolated, node_cpu_core_throttles_total and node_cpu_package_throttles_total where
 * the kernel has them, and node_cpu_info / flag_info / bug_info with `--collector.cpu.info`; as
 * node_exporter's cpu collector.
 *
 * Sources, read directly:
 * - `<procfs>/stat` for CPU times. systeminformation's currentLoad() only gives percentages
 *   (and tick deltas) since its previous call, and Prometheus needs the raw counters.
 * - `<procfs>/cpuinfo` for the info metrics: systeminformation's cpu() describes the package,
 *   not each logical CPU with its core and physical ids, and reads /proc itself.
 * - `<sysfs>/devices/system/cpu/…` for isolation and thermal throttle counts (not in
 *   systeminformation).
 *
 * As node_exporter does, a per-CPU time never goes backwards: a smaller reading keeps the last
 * value, and idle dropping by 3 s or more (a hot-plugged CPU) resets that CPU's history
 * (src/host/cpu-monotonic.ts). The last values are the collector's shared state
 * (`ctx.direct.state()`): every pool thread sees the same, and a thread that dies loses nothing,
 * so a run on another thread cannot turn a step back into a counter reset (issue #3).
 */
import { readdirSync } from 'node:fs';
import { defineCollector, type DirectStore } from '../src/collector/define.js';
import { parseCpuList } from '../src/host/cpu-list.js';
import { cpuStateLength, mergeCpuState } from '../src/host/cpu-monotonic.js';
import { parseCpuinfo } from '../src/host/cpuinfo.js';
import { boolOption, stringOption } from '../src/host/options.js';
import { procFile, sysFile } from '../src/host/paths.js';
import { parseProcStat, type CpuTimes } from '../src/host/proc-stat.js';
import { readOptional, readSource } from '../src/host/read.js';
import { goRegExp } from '../src/host/regexp.js';
import { counter, gauge } from '../src/host/specs.js';

const options = {
  guest: { type: 'boolean', default: true, help: 'Enables metric node_cpu_guest_seconds_total' },
  info: { type: 'boolean', default: false, help: 'Enables metric cpu_info' },
  infoFlagsInclude: { type: 'string', default: '', flag: 'collector.cpu.info.flags-include', help: 'Filter the `flags` field in cpuInfo with a value that must be a regular expression' },
  infoBugsInclude: { type: 'string', default: '', flag: 'collector.cpu.info.bugs-include', help: 'Filter the `bugs` field in cpuInfo with a value that must be a regular expression' },
} as const;

const MODES = [
  ['user', 'user'],
  ['nice', 'nice'],
  ['system', 'system'],
  ['idle', 'idle'],
  ['iowait', 'iowait'],
  ['irq', 'irq'],
  ['softirq', 'softirq'],
  ['steal', 'steal'],
] as const satisfies readonly (readonly [string, keyof CpuTimes])[];

/** The isolated CPU list, read once per sysfs and thread (a gauge of a boot-time setting). */
const isolatedBySysfs = new Map<string, number[] | undefined>();

/** The guard's state without the runtime (stand-ins for it in tests give no `direct`): this thread's, per procfs. */
const localState = new Map<string, Float64Array>();

/** The guard's state (src/host/cpu-monotonic.ts), at least `length` slots. */
function guardState(direct: DirectStore | undefined, procfs: string, length: number): Float64Array {
  if (direct !== undefined) return direct.state(length);
  let s = localState.get(procfs);
  if (s === undefined || s.length < length) {
    const grown = new Float64Array(length);
    if (s !== undefined) grown.set(s);
    localState.set(procfs, (s = grown));
  }
  return s;
}

function readUint(file: string): number | undefined {
  const raw = readOptional(file);
  if (raw === undefined) return undefined;
  const s = raw.trim();
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

export default defineCollector({
  name: 'cpu',
  help: 'Exposes CPU statistics.',
  options,
  metrics: {
    seconds: counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', ['cpu', 'mode']),
    guest: counter('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.', ['cpu', 'mode']),
    info: gauge('node_cpu_info', 'CPU information from /proc/cpuinfo.', ['package', 'core', 'cpu', 'vendor', 'family', 'model', 'model_name', 'microcode', 'stepping', 'cachesize']),
    flagInfo: gauge('node_cpu_flag_info', 'The `flags` field of CPU information from /proc/cpuinfo taken from the first core.', ['flag']),
    bugInfo: gauge('node_cpu_bug_info', 'The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.', ['bug']),
    coreThrottles: counter('node_cpu_core_throttles_total', 'Number of times this CPU core has been throttled.', ['package', 'core']),
    packageThrottles: counter('node_cpu_package_throttles_total', 'Number of times this CPU package has been throttled.', ['package']),
    isolated: gauge('node_cpu_isolated', 'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.', ['cpu']),
  },
  collect({ metrics, paths, options: opts, direct }) {
    const flagsInclude = stringOption('cpu', options, opts, 'infoFlagsInclude');
    const bugsInclude = stringOption('cpu', options, opts, 'infoBugsInclude');
    // As in node_exporter, asking for flags or bugs turns the info metrics on.
    const withInfo = boolOption('cpu', options, opts, 'info') || flagsInclude !== '' || bugsInclude !== '';

    if (withInfo) {
      const info = parseCpuinfo(readSource(procFile(paths, 'cpuinfo')));
      for (const c of info) {
        metrics.info.set(
          { package: c.physicalId, core: c.coreId, cpu: String(c.processor), vendor: c.vendorId, family: c.cpuFamily, model: c.model, model_name: c.modelName, microcode: c.microcode, stepping: c.stepping, cachesize: c.cacheSize },
          1,
        );
      }
      const first = info[0];
      if (first !== undefined && flagsInclude !== '') {
        const re = goRegExp(flagsInclude, '--collector.cpu.info.flags-include');
        for (const flag of first.flags) if (re.test(flag)) metrics.flagInfo.set({ flag }, 1);
      }
      if (first !== undefined && bugsInclude !== '') {
        const re = goRegExp(bugsInclude, '--collector.cpu.info.bugs-include');
        for (const bug of first.bugs) if (re.test(bug)) metrics.bugInfo.set({ bug }, 1);
      }
    }

    const stat = parseProcStat(readSource(procFile(paths, 'stat')));
    const times = mergeCpuState(guardState(direct, paths.procfs, cpuStateLength(stat.cpus)), stat.cpus);
    const guest = boolOption('cpu', options, opts, 'guest');
    for (const [id, t] of times) {
      const cpu = String(id);
      for (const [mode, field] of MODES) metrics.seconds.set({ cpu, mode }, t[field]);
      if (guest) {
        metrics.guest.set({ cpu, mode: 'user' }, t.guest);
        metrics.guest.set({ cpu, mode: 'nice' }, t.guestNice);
      }
    }

    if (!isolatedBySysfs.has(paths.sysfs)) {
      const raw = readOptional(sysFile(paths, 'devices', 'system', 'cpu', 'isolated'));
      isolatedBySysfs.set(paths.sysfs, raw === undefined ? undefined : parseCpuList(raw));
    }
    for (const id of isolatedBySysfs.get(paths.sysfs) ?? []) metrics.isolated.set({ cpu: String(id) }, 1);

    // Thermal throttling: core counts once per (package, core), package counts once per package.
    const cpuDir = sysFile(paths, 'devices', 'system', 'cpu');
    let entries: string[] = [];
    try {
      entries = readdirSync(cpuDir).filter((e) => /^cpu[0-9]/.test(e));
    } catch {
      entries = [];
    }
    const packages = new Map<number, number>();
    const cores = new Map<string, number>();
    for (const e of entries) {
      const pkg = readUint(`${cpuDir}/${e}/topology/physical_package_id`);
      const core = readUint(`${cpuDir}/${e}/topology/core_id`);
      if (pkg === undefined || core === undefined) continue;
      const coreKey = `${pkg}/${core}`;
      if (!cores.has(coreKey)) {
        const n = readUint(`${cpuDir}/${e}/thermal_throttle/core_throttle_count`);
        if (n !== undefined) cores.set(coreKey, n);
      }
      if (!packages.has(pkg)) {
        const n = readUint(`${cpuDir}/${e}/thermal_throttle/package_throttle_count`);
        if (n !== undefined) packages.set(pkg, n);
      }
    }
    for (const [pkg, n] of packages) metrics.packageThrottles.set({ package: String(pkg) }, n);
    for (const [key, n] of cores) {
      const [pkg, core] = key.split('/') as [string, string];
      metrics.coreThrottles.set({ package: pkg, core }, n);
    }
  },
});
