/**
 * The local time zone's abbreviation and offset, as Go's `time.Now().Zone()` gives them to
 * node_exporter's time collector (`node_time_zone_offset_seconds{time_zone="CET"}`).
 *
 * JavaScript knows the offset but not the abbreviation Go prints (Intl says "GMT+1" where Go
 * says "CET"), so the TZif file Go would load is read: $TZ unset → /etc/localtime; TZ="" or
 * "UTC" → UTC; TZ=/abs/path → that file; TZ=Name → /usr/share/zoneinfo/Name. These are the
 * exporter process's own time zone files, not the monitored host's (Go does the same; they are
 * not under --path.rootfs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const LOCALTIME_FILE = '/etc/localtime';
export const ZONEINFO_DIR = '/usr/share/zoneinfo';

export interface Zone {
  name: string;
  /** Seconds east of UTC. */
  offset: number;
}

interface TtInfo {
  offset: number;
  isDst: boolean;
  name: string;
}

interface TzData {
  transitions: number[];
  indices: number[];
  types: TtInfo[];
  footer: string;
}

function cstring(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return String.fromCharCode(...bytes.subarray(at, end));
}

/** Parses a TZif file (RFC 8536), using the 64-bit block when there is one. */
export function parseTzif(bytes: Uint8Array): TzData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number) => {
    if (bytes.length < at + 44 || cstring(bytes.subarray(at, at + 4), 0) !== 'TZif') throw new Error('not a TZif file');
    const n = (i: number) => view.getUint32(at + 20 + 4 * i, false);
    return { version: bytes[at + 4]!, isutcnt: n(0), isstdcnt: n(1), leapcnt: n(2), timecnt: n(3), typecnt: n(4), charcnt: n(5) };
  };
  const block = (at: number, timeBytes: 4 | 8) => {
    const h = header(at);
    let p = at + 44;
    const transitions: number[] = [];
    for (let i = 0; i < h.timecnt; i++, p += timeBytes) {
      transitions.push(timeBytes === 8 ? Number(view.getBigInt64(p, false)) : view.getInt32(p, false));
    }
    const indices = Array.from(bytes.subarray(p, p + h.timecnt));
    p += h.timecnt;
    const raw: { offset: number; isDst: boolean; idx: number }[] = [];
    for (let i = 0; i < h.typecnt; i++, p += 6) raw.push({ offset: view.getInt32(p, false), isDst: bytes[p + 4] !== 0, idx: bytes[p + 5]! });
    const chars = bytes.subarray(p, p + h.charcnt);
    p += h.charcnt + h.leapcnt * (timeBytes + 4) + h.isstdcnt + h.isutcnt;
    const types = raw.map((r) => ({ offset: r.offset, isDst: r.isDst, name: cstring(chars, r.idx) }));
    return { h, transitions, indices, types, end: p };
  };
  const v1 = block(0, 4);
  if (v1.h.version < 0x32 /* '2' */) return { transitions: v1.transitions, indices: v1.indices, types: v1.types, footer: '' };
  const v2 = block(v1.end, 8);
  let footer = '';
  if (bytes[v2.end] === 0x0a) {
    const close = bytes.indexOf(0x0a, v2.end + 1);
    if (close > v2.end) footer = String.fromCharCode(...bytes.subarray(v2.end + 1, close));
  }
  return { transitions: v2.transitions, indices: v2.indices, types: v2.types, footer };
}

/** The std and dst names and offsets of a POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`). */
export function parsePosixTz(tz: string): { std: Zone; dst?: Zone } | undefined {
  let i = 0;
  const name = (): string | undefined => {
    if (tz[i] === '<') {
      const end = tz.indexOf('>', i);
      if (end < 0) return undefined;
      const n = tz.slice(i + 1, end);
      i = end + 1;
      return n;
    }
    const m = /^[A-Za-z]{3,}/.exec(tz.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const offset = (): number | undefined => {
    const m = /^([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/.exec(tz.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    // POSIX offsets are west of UTC; `0 - x` would give -0 for UTC.
    return m[1] === '-' || secs === 0 ? secs : -secs;
  };
  const stdName = name();
  const stdOffset = stdName === undefined ? undefined : offset();
  if (stdName === undefined || stdOffset === undefined) return undefined;
  const std = { name: stdName, offset: stdOffset };
  if (i >= tz.length || tz[i] === ',') return { std };
  const dstName = name();
  if (dstName === undefined) return { std };
  const dstOffset = tz[i] !== undefined && tz[i] !== ',' ? offset() : undefined;
  return { std, dst: { name: dstName, offset: dstOffset ?? stdOffset + 3600 } };
}

/**
 * The zone in effect at `nowSec` according to TZif data. After the last transition the footer
 * rule applies; its std/dst choice is made by matching `currentOffset` (JavaScript's, which
 * evaluates the same rule), which avoids re-implementing the DST calendar.
 */
export function zoneAt(data: TzData, nowSec: number, currentOffset: number): Zone {
  const { transitions, indices, types } = data;
  const first = (): TtInfo | undefined => types.find((t) => !t.isDst) ?? types[0];
  if (transitions.length === 0 || nowSec < transitions[0]!) {
    if (data.footer !== '' && transitions.length === 0) {
      const rule = parsePosixTz(data.footer);
      if (rule) return rule.dst && rule.dst.offset === currentOffset ? rule.dst : rule.std;
    }
    const t = first();
    return t ? { name: t.name, offset: t.offset } : { name: 'UTC', offset: 0 };
  }
  const last = transitions[transitions.length - 1]!;
  if (nowSec >= last && data.footer !== '') {
    const rule = parsePosixTz(data.footer);
    if (rule) return rule.dst && rule.dst.offset === currentOffset ? rule.dst : rule.std;
  }
  let lo = 0;
  let hi = transitions.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (transitions[mid]! <= nowSec) lo = mid;
    else hi = mid - 1;
  }
  const t = types[indices[lo]!];
  return t ? { name: t.name, offset: t.offset } : { name: 'UTC', offset: 0 };
}

/** The TZif file Go would load for this $TZ, or undefined for UTC. */
export function zoneFileFor(tz: string | undefined): string | undefined {
  if (tz === undefined) return LOCALTIME_FILE;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name === '' || name === 'UTC') return undefined;
  return name.startsWith('/') ? name : path.join(ZONEINFO_DIR, name);
}

let cachedFile: string | undefined | null = null;
let cachedData: TzData | undefined;

/** The local zone now, as Go's time.Now().Zone(). Unreadable or invalid files mean UTC, as in Go. */
export function localZone(now: Date = new Date(), tz: string | undefined = process.env.TZ): Zone {
  const file = zoneFileFor(tz);
  if (file === undefined) return { name: 'UTC', offset: 0 };
  if (cachedFile !== file) {
    cachedFile = file;
    try {
      cachedData = parseTzif(readFileSync(file));
    } catch {
      cachedData = undefined;
    }
  }
  if (cachedData === undefined) return { name: 'UTC', offset: 0 };
  return zoneAt(cachedData, Math.floor(now.getTime() / 1000), now.getTimezoneOffset() === 0 ? 0 : -now.getTimezoneOffset() * 60);
}
