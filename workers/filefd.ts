/**
 * filefd: node_filefd_allocated and node_filefd_maximum, as node_exporter's filefd collector.
 *
 * Source: `<procfs>/sys/fs/file-nr`, read directly. systeminformation's fsOpenFiles() reads the
 * same file and gives the same two numbers, but with an asynchronous fs.readFile: a 64 KiB
 * buffer (procfs reports size 0) and four round trips through libuv's thread pool on every run.
 * Measured in bench/host-collectors.ts: 0.73 ms of CPU per run through systeminformation
 * (second only to netclass, ~70× node_exporter's 0.01 ms), against a few microseconds for one
 * synchronous read in the pool thread (read.ts). A run's CPU is what issue #5's full
 * scrape target counts, so the file is read here, as meminfo and entropy do; it also follows
 * `--path.procfs`, which systeminformation (always /proc) cannot.
 */
import { defineCollector } from '../src/collector/define.js';
import { parseFileNr } from '../src/host/key-values.js';
import { procFile } from '../src/host/paths.js';
import { readSource } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

export default defineCollector({
  name: 'filefd',
  help: 'Exports file descriptor statistics from /proc/sys/fs/file-nr.',
  metrics: {
    allocated: gauge('node_filefd_allocated', 'File descriptor statistics: allocated.'),
    maximum: gauge('node_filefd_maximum', 'File descriptor statistics: maximum.'),
  },
  collect({ metrics, paths }) {
    const { allocated, maximum } = parseFileNr(readSource(procFile(paths, 'sys', 'fs', 'file-nr')));
    metrics.allocated.set(allocated);
    metrics.maximum.set(maximum);
  },
});
