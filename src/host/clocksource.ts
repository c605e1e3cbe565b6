/** /sys/devices/system/clocksource/clocksource<N>/{available,current}_clocksource. */

export interface ClockSource {
  /** N of `clocksource<N>`, node_exporter's `device` label. */
  device: string;
  available: string[];
  current: string;
}

export function parseClockSource(device: string, available: string, current: string): ClockSource {
  const list = available.trim();
  return { device, available: list === '' ? [] : list.split(/\s+/), current: current.trim() };
}
