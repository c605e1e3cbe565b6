/**
 * filefd: node_filefd_allocated and node_filefd_maximum, as node_exporter's filefd collector.
 *
 * Source: systeminformation's fsOpenFiles() when procfs is the default `/proc`: it reads
 * /proc/sys/fs/file-nr and returns exactly the two numbers node_exporter exposes. With
 * `--path.procfs` elsewhere, `<procfs>/sys/fs/file-nr` is read directly, because
 * systeminformation always reads /proc.
 */
import { defineCollector, NoDataError } from '../src/collector/define.js';
import { parseFileNr } from '../src/host/key-values.js';
import { procFile } from '../src/host/paths.js';
import { readSource } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

/** The procfs systeminformation reads. */
const SI_PROCFS = '/proc';

async function fileNr(procfs: string, file: string): Promise<{ allocated: number; maximum: number }> {
  if (procfs === SI_PROCFS) {
    // Imported on first use: loading systeminformation costs ~100 ms and 2 MB per thread, which
    // the runtime's discovery thread (it imports every collector file) need not pay.
    const si = (await import('systeminformation')).default;
    const r = await si.fsOpenFiles();
    // systeminformation answers nulls when it could not read the file.
    if (typeof r.allocated !== 'number' || typeof r.max !== 'number') throw new NoDataError(`couldn't read "${file}" (systeminformation fsOpenFiles gave no data)`);
    return { allocated: r.allocated, maximum: r.max };
  }
  return parseFileNr(readSource(file));
}

export default defineCollector({
  name: 'filefd',
  help: 'Exports file descriptor statistics from /proc/sys/fs/file-nr.',
  metrics: {
    allocated: gauge('node_filefd_allocated', 'File descriptor statistics: allocated.'),
    maximum: gauge('node_filefd_maximum', 'File descriptor statistics: maximum.'),
  },
  async collect({ metrics, paths }) {
    const { allocated, maximum } = await fileNr(paths.procfs, procFile(paths, 'sys', 'fs', 'file-nr'));
    metrics.allocated.set(allocated);
    metrics.maximum.set(maximum);
  },
});
