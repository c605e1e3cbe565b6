/**
 * node_exporter's deviceFilter: a device is ignored when it matches the exclude pattern or,
 * with an include pattern, when it does not match it. Empty patterns are not set.
 */
import { goRegExp } from './regexp.js';

export type DeviceFilter = (device: string) => boolean;

/**
 * A predicate that is true for devices to skip. `flag` names the option pair in errors
 * (e.g. `--collector.diskstats`).
 *
 * Exclude and include are mutually exclusive, as in node_exporter. An exclude pattern that
 * still has its default value (`excludeDefault`) gives way to an include pattern, because the
 * caller cannot tell "left at default" from "set": node_exporter does the same by tracking
 * whether the flag was given.
 */
export function deviceFilter(exclude: string, include: string, flag: string, excludeDefault?: string): DeviceFilter {
  let ex = exclude;
  if (include !== '' && ex !== '') {
    if (excludeDefault !== undefined && ex === excludeDefault) ex = '';
    else throw new RangeError(`${flag}.device-exclude and ${flag}.device-include are mutually exclusive (got ${JSON.stringify(exclude)} and ${JSON.stringify(include)})`);
  }
  const exRe = ex !== '' ? goRegExp(ex, `${flag}.device-exclude`) : undefined;
  const inRe = include !== '' ? goRegExp(include, `${flag}.device-include`) : undefined;
  if (exRe === undefined && inRe === undefined) return () => false;
  return (device) => (exRe !== undefined && exRe.test(device)) || (inRe !== undefined && !inRe.test(device));
}
