/**
 * stat: node_boot_time_seconds, node_context_switches_total, node_forks_total, node_intr_total,
 * node_procs_running, node_procs_blocked (and node_softirqs_total{vector} with
 * `--collector.stat.softirq`), as node_exporter's stat collector.
 *
 * Source: `<procfs>/stat`, read directly: systeminformation has none of these kernel counters
 * (its process counts come from scanning processes, not from the scheduler's run queue).
 */
import { defineCollector } from '../src/collector/define.js';
import { boolOption } from '../src/host/options.js';
import { procFile } from '../src/host/paths.js';
import { parseProcStat, SOFTIRQ_VECTORS } from '../src/host/proc-stat.js';
import { readSource } from '../src/host/read.js';
import { counter, gauge } from '../src/host/specs.js';

const options = {
  softirq: { type: 'boolean', default: false, help: 'Export softirq calls per vector' },
} as const;

export default defineCollector({
  name: 'stat',
  help: 'Exposes various statistics from /proc/stat: boot time, forks and interrupts.',
  options,
  metrics: {
    intr: counter('node_intr_total', 'Total number of interrupts serviced.'),
    ctxt: counter('node_context_switches_total', 'Total number of context switches.'),
    forks: counter('node_forks_total', 'Total number of forks.'),
    btime: gauge('node_boot_time_seconds', 'Node boot time, in unixtime.'),
    procsRunning: gauge('node_procs_running', 'Number of processes in runnable state.'),
    procsBlocked: gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.'),
    softirqs: counter('node_softirqs_total', 'Number of softirq calls.', ['vector']),
  },
  collect({ metrics, paths, options: opts }) {
    const s = parseProcStat(readSource(procFile(paths, 'stat')));
    if (s.interrupts !== undefined) metrics.intr.set(s.interrupts);
    if (s.contextSwitches !== undefined) metrics.ctxt.set(s.contextSwitches);
    if (s.forks !== undefined) metrics.forks.set(s.forks);
    if (s.bootTime !== undefined) metrics.btime.set(s.bootTime);
    if (s.procsRunning !== undefined) metrics.procsRunning.set(s.procsRunning);
    if (s.procsBlocked !== undefined) metrics.procsBlocked.set(s.procsBlocked);
    if (boolOption('stat', options, opts, 'softirq') && s.softirqs !== undefined) {
      SOFTIRQ_VECTORS.forEach((vector, i) => metrics.softirqs.set({ vector }, s.softirqs![i]!));
    }
  },
});
