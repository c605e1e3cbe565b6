/** The bench framework; see bench/README.md ("Writing a bench"). */
export { Progress } from './progress.js';
export { percentile, rate, sleep, stats, timeIt, type Stats, type TimeOptions } from './timing.js';
export { fmtBytes, fmtCount, fmtMs, fmtRate, fmtRatio } from './format.js';
export { machineInfo, machineLine, type MachineInfo } from './machine.js';
export { runInChild, type ChildOptions } from './child.js';
export {
  fullGc,
  keepAlive,
  sharedBufferBytes,
  measureMemory,
  memoryDelta,
  memorySample,
  perItem,
  type MemoryDelta,
  type MemoryResult,
  type MemorySample,
  type MemoryWorkload,
} from './memory.js';
export { startTsWorker, tsWorkerData } from './worker.js';
export { benchOptions, DEFAULT_RESULTS_DIR, type BenchOptions } from './options.js';
export { readResults, writeResult, type BenchResult, type BenchTable, type BenchTarget, type Written } from './results.js';
export { markdownTable, writeSummary } from './summary.js';
export { renderCharts, type Bar, type BarChart, type BarGroup } from './svg.js';
