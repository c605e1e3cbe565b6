/**
 * Every field Linux has printed in /proc/meminfo (fs/proc/meminfo.c and the arch hooks, 2.6 to
 * 6.18), with whether it carries a unit. A collector declares its metric families up front, so
 * the meminfo collector declares one gauge per field here; a kernel shows a subset, and only
 * the fields present get a series. A field missing from this list cannot be exported: add it.
 */

/** Fields without a unit (page counts). */
const COUNT_FIELDS = ['HugePages_Total', 'HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp'];

/** Fields in kB. */
const KB_FIELDS = [
  'MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached', 'Active', 'Inactive',
  'Active(anon)', 'Inactive(anon)', 'Active(file)', 'Inactive(file)', 'Unevictable', 'Mlocked',
  'HighTotal', 'HighFree', 'LowTotal', 'LowFree', 'MmapCopy', 'SwapTotal', 'SwapFree', 'Zswap',
  'Zswapped', 'Dirty', 'Writeback', 'AnonPages', 'Mapped', 'Shmem', 'KReclaimable', 'Slab',
  'SReclaimable', 'SUnreclaim', 'KernelStack', 'ShadowCallStack', 'PageTables', 'SecPageTables',
  'Quicklists', 'NFS_Unstable', 'Bounce', 'WritebackTmp', 'CommitLimit', 'Committed_AS',
  'VmallocTotal', 'VmallocUsed', 'VmallocChunk', 'Percpu', 'EarlyMemtestBad', 'HardwareCorrupted',
  'AnonHugePages', 'ShmemHugePages', 'ShmemPmdMapped', 'FileHugePages', 'FilePmdMapped',
  'CmaTotal', 'CmaFree', 'Unaccepted', 'Balloon', 'GPUActive', 'GPUReclaim', 'Hugepagesize',
  'Hugetlb', 'DirectMap4k', 'DirectMap2M', 'DirectMap4M', 'DirectMap1G', 'DirectMap2G',
];

export const MEMINFO_FIELDS: readonly { field: string; hasUnit: boolean }[] = [
  ...KB_FIELDS.map((field) => ({ field, hasUnit: true })),
  ...COUNT_FIELDS.map((field) => ({ field, hasUnit: false })),
];
