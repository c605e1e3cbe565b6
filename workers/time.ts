/**
 * time: node_time_seconds, node_time_zone_offset_seconds{time_zone}, and the clock sources
 * (node_time_clocksource_{available,current}_info{device,clocksource}), as node_exporter's
 * time collector.
 *
 * Sources:
 * - the clock (Date.now()) for node_time_seconds, as Go's time.Now();
 * - the exporter's own zone (TZ, /etc/localtime: what Go's time package reads) for the zone
 *   name and offset. systeminformation's time() gives the IANA name ("Etc/UTC") and
 *   "UTC+0000", not the abbreviation node_exporter labels with;
 * - `<sysfs>/devices/system/clocksource/clocksource*`, read directly (not in
 *   systeminformation). node_exporter fails the whole collector when these are missing; here
 *   only the clocksource series are left out.
 *
 * node_time_seconds is sampled when this collector runs, not when Prometheus scrapes (the
 * runtime's design): it lags the scrape by up to one interval, so this collector runs every
 * second by default.
 */
import { readdirSync } from 'node:fs';
import { defineCollector } from '../src/collector/define.js';
import { parseClockSource } from '../src/host/clocksource.js';
import { sysFile } from '../src/host/paths.js';
import { readOptional } from '../src/host/read.js';
import { gauge } from '../src/host/specs.js';
import { localZone } from '../src/host/timezone.js';

export default defineCollector({
  name: 'time',
  help: 'Exposes the current system time.',
  intervalMs: 1000,
  metrics: {
    now: gauge('node_time_seconds', 'System time in seconds since epoch (1970).'),
    zoneOffset: gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', ['time_zone']),
    available: gauge('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.", ['device', 'clocksource']),
    current: gauge('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.", ['device', 'clocksource']),
  },
  collect({ metrics, paths }) {
    const now = new Date();
    metrics.now.set(now.getTime() / 1000);
    const zone = localZone(now);
    metrics.zoneOffset.set({ time_zone: zone.name }, zone.offset);

    const dir = sysFile(paths, 'devices', 'system', 'clocksource');
    let names: string[] = [];
    try {
      names = readdirSync(dir)
        .filter((n) => /^clocksource\d+$/.test(n))
        .sort((a, b) => Number(a.slice(11)) - Number(b.slice(11)));
    } catch {
      names = [];
    }
    names.forEach((n, i) => {
      const available = readOptional(`${dir}/${n}/available_clocksource`);
      const current = readOptional(`${dir}/${n}/current_clocksource`);
      if (available === undefined || current === undefined) return;
      // node_exporter labels with the position in the list, not the directory's number.
      const cs = parseClockSource(String(i), available, current);
      for (const clocksource of cs.available) metrics.available.set({ device: cs.device, clocksource }, 1);
      metrics.current.set({ device: cs.device, clocksource: cs.current }, 1);
    });
  },
});
