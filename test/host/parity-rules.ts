/**
 * How atomic-exporter's host families are compared with node_exporter's on the same machine,
 * family by family, and why each tolerance is what it is.
 *
 * The test samples ours three times: `before`, `during` (at the same moment as node_exporter's
 * scrape) and `after`. node_exporter read the kernel between `before` and `after`, so:
 * - exact: static facts (sizes, MTU, flags, uname, os, boot time): theirs must equal ours.
 * - counter: monotonic kernel counters: theirs must lie in [min, max] of our three samples
 *   (plus `slack`). It cannot be outside unless one side reads a different counter.
 * - gauge: values that move both ways: theirs must lie in [min − slack, max + slack] of our
 *   samples, `slack` sized by what the two exporters themselves change while reading.
 */

export type Rule = { kind: 'exact' } | { kind: 'counter'; slack: number; why: string } | { kind: 'gauge'; slack: number; why: string };

const MiB = 1024 * 1024;

const exact: Rule = { kind: 'exact' };
const counter = (slack = 0, why = 'monotonic kernel counter read between our before/after samples'): Rule => ({ kind: 'counter', slack, why });
const gauge = (slack: number, why: string): Rule => ({ kind: 'gauge', slack, why });

/** First matching pattern wins. */
export const RULES: readonly [RegExp, Rule][] = [
  // --- static facts: exact ---
  [/^node_memory_(MemTotal|SwapTotal|HugePages_Total|Hugepagesize|VmallocTotal|CommitLimit|DirectMap.*|Hugetlb)(_bytes)?$/, exact],
  [/^node_filesystem_(size_bytes|files|readonly|device_error)$/, exact],
  [/^node_network_(mtu_bytes|flags|iface_id|iface_link|iface_link_mode|device_id|address_assign_type|name_assign_type|net_dev_group|protocol_type|transmit_queue_length|speed_bytes|info|up|carrier|dormant)$/, exact],
  [/^node_(uname_info|os_info|os_version|boot_time_seconds|entropy_pool_size_bits|filefd_maximum|disk_info|time_zone_offset_seconds)$/, exact],
  [/^node_time_clocksource_(available|current)_info$/, exact],
  [/^node_netstat_Ip_Forwarding$/, exact],
  [/^node_cpu_guest_seconds_total$/, exact],
  [/^node_cpu_(info|flag_info|bug_info|isolated)$/, exact],

  // --- moving values ---
  [/^node_cpu_seconds_total$/, counter(0.05, "/proc/stat idle/iowait can step back a tick or two (node_exporter's own jump-back guard exists for it); 5 ticks of slack")],
  [/^node_memory_.*$/, gauge(64 * MiB, 'both exporters allocate while reading (Go heap growth, V8 semi-spaces up to 16 MiB each, worker thread stacks); 64 MiB covers free/used/anon/committed swings between reads microseconds apart')],
  [/^node_filesystem_(free_bytes|avail_bytes)$/, gauge(256 * MiB, 'other processes on this machine write files during the test (logs, build output); 256 MiB of churn in a second is the bound we accept')],
  [/^node_filesystem_files_free$/, gauge(4096, 'files created/removed by other processes during the test')],
  [/^node_procs_(running|blocked)$/, gauge(32, "instantaneous run queue: both exporters' own threads (piscina pool, Go Ms) and the test are runnable while it is read")],
  [/^node_filefd_allocated$/, gauge(512, 'both exporters open and close files and sockets while reading')],
  [/^node_sockstat_.*_mem(_bytes)?$/, gauge(256 * 4096, 'socket buffer pages move with every connection the test and exporters open (256 pages)')],
  [/^node_sockstat_.*$/, gauge(64, 'the scrape itself opens and closes TCP connections; 64 sockets')],
  [/^node_netstat_Tcp_CurrEstab$/, gauge(64, 'established TCP connections: the scrape and the other tests on this machine open them')],
  [/^node_disk_io_now$/, gauge(64, 'I/Os in flight at the instant of reading')],
  [/^node_entropy_available_bits$/, gauge(4096, 'entropy pool level moves both ways (fixed at 256 on Linux >= 5.18)')],
  [/^node_load(1|5|15)$/, gauge(0.5, 'recomputed by the kernel every 5 s; both reads may straddle an update')],
  [/^node_time_seconds$/, counter(0.01, 'the clock: theirs is read between our before/after samples (10 ms for float rounding and clock reads)')],
  [/^node_(netstat|vmstat)_.*$/, counter(0, 'kernel protocol / VM event counters')],
  [/^node_(disk|network|pressure|context_switches|forks|intr|cpu_core_throttles|cpu_package_throttles|softirqs).*$/, counter()],
];

export function ruleFor(family: string): Rule {
  for (const [re, rule] of RULES) if (re.test(family)) return rule;
  return counter();
}

/**
 * Differences that are known and accepted, with the reason. Anything else fails the test.
 * `type`: the family's TYPE differs as stated.
 */
export const KNOWN_TYPE_DIFFERENCES: readonly { pattern: RegExp; theirs: string; ours: string; why: string }[] = [];
