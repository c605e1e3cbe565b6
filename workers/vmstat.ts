/**
 * vmstat: node_vmstat_<field> for the /proc/vmstat fields matching `--collector.vmstat.fields`
 * (default `^(oom_kill|pgpg|pswp|pg.*fault).*`), as node_exporter's vmstat collector.
 *
 * Source: `<procfs>/vmstat`, read directly: systeminformation has no vmstat counters.
 *
 * Declared fields: node_exporter's default selection plus the usual reclaim/compaction/THP/NUMA
 * counters (src/host/vmstat-fields.ts says why not all ~250); the pattern selects among them.
 *
 * Type: `untyped`, as node_exporter exports them.
 */
import { defineCollector, type UntypedSpec } from '../src/collector/define.js';
import { parseKeyValueLines } from '../src/host/key-values.js';
import { stringOption } from '../src/host/options.js';
import { procFile } from '../src/host/paths.js';
import { readSource } from '../src/host/read.js';
import { goRegExp, testMemo } from '../src/host/regexp.js';
import { untyped } from '../src/host/specs.js';
import { VMSTAT_DECLARED_FIELDS, VMSTAT_DEFAULT_FIELDS } from '../src/host/vmstat-fields.js';

const metrics: Record<string, UntypedSpec> = {};
for (const field of VMSTAT_DECLARED_FIELDS) metrics[field] = untyped(`node_vmstat_${field}`, `/proc/vmstat information field ${field}.`);

const options = {
  fields: { type: 'string', default: VMSTAT_DEFAULT_FIELDS, help: 'Regexp of fields to return for vmstat collector.' },
} as const;

export default defineCollector({
  name: 'vmstat',
  help: 'Exports /proc/vmstat statistics.',
  options,
  metrics,
  collect({ metrics: m, paths, options: opts }) {
    const pattern = goRegExp(stringOption('vmstat', options, opts, 'fields'), '--collector.vmstat.fields');
    for (const [field, value] of parseKeyValueLines(readSource(procFile(paths, 'vmstat')), 'vmstat')) {
      if (testMemo(pattern, field)) m[field]?.set(value);
    }
  },
});
