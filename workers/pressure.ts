/**
 * pressure: node_pressure_{cpu,io,memory}_*_seconds_total (PSI), as node_exporter's pressure
 * collector.
 *
 * Source: `<procfs>/pressure/{cpu,io,memory}`, read directly: systeminformation has no PSI.
 * Without them (kernel < 4.20, CONFIG_PSI off, or psi=0) the run ends with NoDataError.
 * Totals are raw counters in microseconds, exported in seconds.
 */
import { defineCollector, NoDataError } from '../src/collector/define.js';
import { procFile } from '../src/host/paths.js';
import { parsePressure, type PsiStats } from '../src/host/pressure.js';
import { isNotFound, readText, sourceError } from '../src/host/read.js';
import { counter } from '../src/host/specs.js';

function read(file: string): PsiStats {
  try {
    return parsePressure(readText(file), file);
  } catch (err) {
    // EOPNOTSUPP: the files exist but PSI is disabled at boot (psi=0).
    if (isNotFound(err) || (err as { code?: string }).code === 'EOPNOTSUPP') {
      throw new NoDataError(`pressure information is unavailable (${file}): needs Linux >= 4.20 with CONFIG_PSI enabled`);
    }
    throw sourceError(file, err);
  }
}

const seconds = (micros: number | undefined): number | undefined => (micros === undefined ? undefined : micros / 1000 / 1000);

export default defineCollector({
  name: 'pressure',
  help: 'Exposes pressure stall statistics from /proc/pressure/.',
  metrics: {
    cpu: counter('node_pressure_cpu_waiting_seconds_total', 'Total time in seconds that processes have waited for CPU time'),
    io: counter('node_pressure_io_waiting_seconds_total', 'Total time in seconds that processes have waited due to IO congestion'),
    ioFull: counter('node_pressure_io_stalled_seconds_total', 'Total time in seconds no process could make progress due to IO congestion'),
    mem: counter('node_pressure_memory_waiting_seconds_total', 'Total time in seconds that processes have waited for memory'),
    memFull: counter('node_pressure_memory_stalled_seconds_total', 'Total time in seconds no process could make progress due to memory congestion'),
  },
  collect({ metrics, paths }) {
    const cpu = read(procFile(paths, 'pressure', 'cpu'));
    const io = read(procFile(paths, 'pressure', 'io'));
    const mem = read(procFile(paths, 'pressure', 'memory'));
    const set = (h: { set(v: number): void }, v: number | undefined): void => {
      if (v !== undefined) h.set(v);
    };
    set(metrics.cpu, seconds(cpu.some?.total));
    set(metrics.io, seconds(io.some?.total));
    set(metrics.ioFull, seconds(io.full?.total));
    set(metrics.mem, seconds(mem.some?.total));
    set(metrics.memFull, seconds(mem.full?.total));
  },
});
