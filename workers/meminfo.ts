/**
 * meminfo: node_memory_*, every field of /proc/meminfo, as node_exporter's meminfo collector.
 *
 * Source: `<procfs>/meminfo`, read directly. systeminformation's mem() reads the same file but
 * returns 14 of its ~55 fields (no Active(anon), Slab parts, HugePages_*, DirectMap*, Percpu,
 * …), and it always reads /proc, so it could neither supply the whole family nor follow
 * `--path.procfs`. One read gives every field from the same instant.
 *
 * Values: kB fields × 1024 as `node_memory_<Field>_bytes`; unit-less ones (HugePages_*) as is.
 */
import { defineCollector, type GaugeSpec } from '../src/collector/define.js';
import { meminfoKey, parseMeminfo } from '../src/host/meminfo.js';
import { MEMINFO_FIELDS } from '../src/host/meminfo-fields.js';
import { procFile } from '../src/host/paths.js';
import { readSource } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

const metrics: Record<string, GaugeSpec> = {};
for (const { field, hasUnit } of MEMINFO_FIELDS) {
  const key = meminfoKey(field, hasUnit);
  metrics[key] = gauge(`node_memory_${key}`, `Memory information field ${key}.`);
}

export default defineCollector({
  name: 'meminfo',
  help: 'Exports memory statistics from /proc/meminfo.',
  metrics,
  collect({ metrics: m, paths }) {
    const fields = parseMeminfo(readSource(procFile(paths, 'meminfo')));
    for (const [key, value] of fields) m[key]?.set(value);
  },
});
