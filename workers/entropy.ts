/**
 * entropy: node_entropy_available_bits and node_entropy_pool_size_bits, as node_exporter's
 * entropy collector.
 *
 * Source: `<procfs>/sys/kernel/random/{entropy_avail,poolsize}`, read directly:
 * systeminformation has no entropy figures.
 */
import { defineCollector } from '../src/collector/define.js';
import { parseSingleNumber } from '../src/host/key-values.js';
import { procFile } from '../src/host/paths.js';
import { readSource } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';

export default defineCollector({
  name: 'entropy',
  help: 'Exposes available entropy.',
  metrics: {
    available: gauge('node_entropy_available_bits', 'Bits of available entropy.'),
    poolSize: gauge('node_entropy_pool_size_bits', 'Bits of entropy pool.'),
  },
  collect({ metrics, paths }) {
    const avail = procFile(paths, 'sys', 'kernel', 'random', 'entropy_avail');
    const pool = procFile(paths, 'sys', 'kernel', 'random', 'poolsize');
    metrics.available.set(parseSingleNumber(readSource(avail), avail));
    metrics.poolSize.set(parseSingleNumber(readSource(pool), pool));
  },
});
