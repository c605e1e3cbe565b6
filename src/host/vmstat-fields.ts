/**
 * /proc/vmstat field names (mm/vmstat.c vmstat_text, Linux 3.x to 6.18), and the subset the
 * vmstat collector declares.
 *
 * A collector declares its families up front (one per field here), and today every declared
 * family costs on every scrape even without a series (the runtime renders its HELP/TYPE lines
 * and counts it in atomic_exporter_metric_series): ~7 µs each, measured. Declaring all ~250
 * known fields would cost ~2 ms per scrape for nothing, so the collector declares
 * VMSTAT_DECLARED_FIELDS: node_exporter's default selection plus the reclaim, compaction, THP,
 * NUMA and working-set counters people graph. `--collector.vmstat.fields` selects among those;
 * a field outside them is not exported (add it to DECLARED below).
 */

const ZONES = ['dma', 'dma32', 'normal', 'high', 'movable', 'device'];

const PLAIN = `
nr_free_pages nr_free_pages_blocks nr_alloc_batch nr_zone_inactive_anon nr_zone_active_anon
nr_zone_inactive_file nr_zone_active_file nr_zone_unevictable nr_zone_write_pending nr_mlock
nr_page_table_pages nr_kernel_stack nr_bounce nr_zspages nr_free_cma nr_unaccepted
numa_hit numa_miss numa_foreign numa_interleave numa_local numa_other
nr_inactive_anon nr_active_anon nr_inactive_file nr_active_file nr_unevictable
nr_slab_reclaimable nr_slab_unreclaimable nr_isolated_anon nr_isolated_file
workingset_nodes workingset_refault workingset_activate workingset_restore
workingset_refault_anon workingset_refault_file workingset_activate_anon workingset_activate_file
workingset_restore_anon workingset_restore_file workingset_nodereclaim
nr_anon_pages nr_mapped nr_file_pages nr_dirty nr_writeback nr_writeback_temp nr_shmem
nr_shmem_hugepages nr_shmem_pmdmapped nr_file_hugepages nr_file_pmdmapped
nr_anon_transparent_hugepages nr_unstable nr_vmscan_write nr_vmscan_immediate_reclaim
nr_dirtied nr_written nr_throttled_written nr_kernel_misc_reclaimable nr_foll_pin_acquired
nr_foll_pin_released nr_sec_page_table_pages nr_iommu_pages nr_swapcached nr_pages_scanned
pgpromote_success pgpromote_candidate pgpromote_candidate_nrl pgdemote_kswapd pgdemote_direct
pgdemote_khugepaged pgdemote_proactive nr_hugetlb nr_balloon_pages nr_kernel_file_pages
nr_dirty_threshold nr_dirty_background_threshold nr_memmap_pages nr_memmap_boot_pages
nr_memmap nr_memmap_boot nr_tlb_remote_flush nr_tlb_remote_flush_received
nr_tlb_local_flush_all nr_tlb_local_flush_one
pgpgin pgpgout pswpin pswpout pgfree pgactivate pgdeactivate pglazyfree pgfault pgmajfault
pglazyfreed pgrefill pgreuse pgsteal_kswapd pgsteal_direct pgsteal_khugepaged pgsteal_proactive
pgscan_kswapd pgscan_direct pgscan_khugepaged pgscan_proactive pgscan_direct_throttle
pgscan_anon pgscan_file pgsteal_anon pgsteal_file zone_reclaim_success zone_reclaim_failed
pginodesteal slabs_scanned kswapd_inodesteal kswapd_low_wmark_hit_quickly
kswapd_high_wmark_hit_quickly pageoutrun allocstall pgrotated drop_pagecache drop_slab oom_kill
numa_pte_updates numa_huge_pte_updates numa_hint_faults numa_hint_faults_local
numa_pages_migrated pgmigrate_success pgmigrate_fail thp_migration_success thp_migration_fail
thp_migration_split compact_migrate_scanned compact_free_scanned compact_isolated compact_stall
compact_fail compact_success compact_daemon_wake compact_daemon_migrate_scanned
compact_daemon_free_scanned htlb_buddy_alloc_success htlb_buddy_alloc_fail cma_alloc_success
cma_alloc_fail unevictable_pgs_culled unevictable_pgs_scanned unevictable_pgs_rescued
unevictable_pgs_mlocked unevictable_pgs_munlocked unevictable_pgs_cleared
unevictable_pgs_stranded unevictable_pgs_mlockfreed thp_fault_alloc thp_fault_fallback
thp_fault_fallback_charge thp_collapse_alloc thp_collapse_alloc_failed thp_file_alloc
thp_file_fallback thp_file_fallback_charge thp_file_mapped thp_split thp_split_page
thp_split_page_failed thp_deferred_split_page thp_underused_split_page thp_split_pmd
thp_scan_exceed_none_pte thp_scan_exceed_swap_pte thp_scan_exceed_share_pte thp_split_pud
thp_zero_page_alloc thp_zero_page_alloc_failed thp_swpout thp_swpout_fallback balloon_inflate
balloon_deflate balloon_migrate swap_ra swap_ra_hit swpin_zero swpout_zero ksm_swpin_copy
cow_ksm zswpin zswpout zswpwb direct_map_level2_splits direct_map_level3_splits
direct_map_level2_collapses direct_map_level3_collapses vma_lock_success vma_lock_abort
vma_lock_retry vma_lock_miss kswapd_steal kswapd_skip_congestion_wait
`;

const PER_ZONE = ['pgalloc', 'allocstall', 'pgskip', 'pgrefill', 'pgsteal_kswapd', 'pgsteal_direct', 'pgscan_kswapd', 'pgscan_direct', 'pgsteal'];

/** Every field name known to appear in /proc/vmstat. */
export const VMSTAT_KNOWN_FIELDS: readonly string[] = [
  ...new Set([...PLAIN.split(/\s+/).filter((s) => s !== ''), ...PER_ZONE.flatMap((p) => ZONES.map((z) => `${p}_${z}`))]),
];

/** node_exporter's default `--collector.vmstat.fields`. */
export const VMSTAT_DEFAULT_FIELDS = '^(oom_kill|pgpg|pswp|pg.*fault).*';

/** Declared besides the default selection. */
const DECLARED =
  /^(nr_(free_pages|dirty|writeback|anon_pages|mapped|file_pages|shmem|slab_reclaimable|slab_unreclaimable|dirty_threshold|dirty_background_threshold)|pgscan_(kswapd|direct|anon|file)|pgsteal_(kswapd|direct|anon|file)|allocstall_(dma32|normal|movable)|pgrefill|pgactivate|pgdeactivate|pgfree|pgrotated|pginodesteal|slabs_scanned|kswapd_inodesteal|pageoutrun|compact_(stall|fail|success)|thp_(fault_alloc|fault_fallback|collapse_alloc|collapse_alloc_failed|split_page|swpout)|numa_(hit|miss|foreign|local|other)|pgmigrate_(success|fail)|workingset_(refault|activate|restore)_(anon|file)|zone_reclaim_failed|drop_pagecache|drop_slab|swap_ra|swap_ra_hit|zswpin|zswpout)$/;

/** The fields the vmstat collector declares a family for. */
export const VMSTAT_DECLARED_FIELDS: readonly string[] = VMSTAT_KNOWN_FIELDS.filter((f) => new RegExp(VMSTAT_DEFAULT_FIELDS).test(f) || DECLARED.test(f));
