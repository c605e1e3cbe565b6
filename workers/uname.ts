/**
 * uname: node_uname_info{sysname,release,version,machine,nodename,domainname}, as
 * node_exporter's uname collector.
 *
 * Source: uname(2) through node:os (type, release, version, machine, hostname), the call
 * node_exporter makes; systeminformation's osInfo() has the release and hostname but not the
 * kernel version string or the domain name, and costs ~10 ms of CPU (it spawns commands).
 * Node.js does not expose uname's domainname, so it is read from
 * `<procfs>/sys/kernel/domainname` (the same field); "(none)" when unreadable, as the kernel
 * reports an unset one.
 */
import os from 'node:os';
import { defineCollector } from '../src/collector/define.js';
import { procFile } from '../src/host/paths.js';
import { readOptional } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

export default defineCollector({
  name: 'uname',
  help: 'Exposes system information as provided by the uname system call.',
  metrics: {
    info: gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', ['sysname', 'release', 'version', 'machine', 'nodename', 'domainname']),
  },
  collect({ metrics, paths }) {
    const domainname = readOptional(procFile(paths, 'sys', 'kernel', 'domainname'))?.trim() || '(none)';
    metrics.info.set(
      { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine(), nodename: os.hostname(), domainname },
      1,
    );
  },
});
