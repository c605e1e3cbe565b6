/**
 * The store reserves address space up front for each of its growable buffers (a growable
 * SharedArrayBuffer grows in place, so its whole range is reserved when it is made; none of it is
 * memory until used): about 4 GiB for each of a registry's arena, common values and sketches,
 * and for the values of each thread attached with a shard (Store#share). The exporter's virtual
 * size is therefore ~55 GiB while its RSS is ~130 MB. Under an address-space limit
 * (`ulimit -v`, systemd's LimitAS=) a reservation can fail; the error says so, with the limit,
 * instead of V8's bare "Array buffer allocation failed".
 */
import { readFileSync } from 'node:fs';

/** The soft limit in a /proc/<pid>/limits text, in bytes; undefined when unlimited or absent. */
export function parseAddressSpaceLimit(limits: string): number | undefined {
  const m = /^Max address space\s+(\S+)/m.exec(limits);
  if (!m || m[1] === 'unlimited') return undefined;
  const bytes = Number(m[1]);
  return Number.isFinite(bytes) ? bytes : undefined;
}

/** This process's address-space limit in bytes (Linux); undefined when there is none or it cannot be read. */
export function addressSpaceLimit(): number | undefined {
  try {
    return parseAddressSpaceLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** The error for a store buffer whose reservation of `bytes` failed with `cause`. */
export function reservationError(bytes: number, cause: unknown, limit = addressSpaceLimit()): RangeError {
  const why = limit !== undefined ? `the process's address-space limit (ulimit -v) is ${gib(limit)}` : `${(cause as Error)?.message ?? String(cause)}`;
  return new RangeError(
    `atomic-exporter: could not reserve ${gib(bytes)} of address space for the metric store (${why}). ` +
      'It reserves ~4 GiB per buffer (a registry has a few, plus one per thread that attaches to it with registry.share()) and uses only what its series need: remove the limit, or raise it above the virtual size the exporter shows without it (~55 GiB for the command on 2 CPUs)',
    { cause },
  );
}
