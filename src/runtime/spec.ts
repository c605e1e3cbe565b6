/**
 * What a collector file declares, as plain data (it crosses threads), and its validation:
 * names, metric specs (checked with the same rules as the metric classes), options.
 * Pure functions: the main thread runs them on what discovery read, never on collector code.
 */
import type { CollectorOption, MetricSpec } from '../collector/define.js';
import { constraintsProblem, optionValueProblem } from '../collector/options.js';
import { DEFAULT_BUCKETS } from '../metrics/histogram.js';
import { DEFAULT_PERCENTILES } from '../metrics/summary.js';
import { checkBuckets, checkConstLabels, checkHelp, checkLabelNames, checkMetricName, checkPercentiles, checkPositiveInteger } from '../metrics/validate.js';
import { DEFAULT_SERIES_LIMIT } from '../store/layout.js';
import { sketchWidth } from '../store/sketch.js';
import type { FamilyDefinition } from '../store/store.js';

/** The serialisable part of a collector definition (everything but `collect`). */
export interface CollectorDescription {
  readonly name: string;
  readonly defaultEnabled?: boolean;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly help?: string;
  readonly options?: Readonly<Record<string, CollectorOption>>;
  readonly metrics: Readonly<Record<string, MetricSpec>>;
}

export const COLLECTOR_NAME = /^[a-z0-9_]+$/;
/** Metric names under this prefix belong to the runtime's self-metrics. */
export const SELF_PREFIX = 'atomic_exporter_';
/** Option keys that would collide with the runtime's own per-collector flags. */
const RESERVED_OPTION_KEYS = new Set(['interval', 'timeout']);
const OPTION_TYPES = new Set(['string', 'number', 'boolean', 'string[]']);
const FLAG_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** camelCase → kebab-case, for flag names derived from option keys. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/**
 * The family definition of a metric spec, built exactly as the metric classes build theirs
 * (same checks, same defaults, same key order), so the store compares them as equal.
 */
export function familyDefinitionOf(spec: MetricSpec): FamilyDefinition {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('metric spec must be an object');
  const name = checkMetricName(spec.name);
  const help = checkHelp(name, spec.help);
  const reserved = spec.type === 'histogram' ? ['le'] : spec.type === 'summary' ? ['quantile'] : [];
  const labelNames = checkLabelNames(name, spec.labelNames, reserved);
  const constLabels = checkConstLabels(name, spec.constLabels, labelNames, reserved);
  const seriesLimit = checkPositiveInteger(name, 'maxSeries', spec.maxSeries, DEFAULT_SERIES_LIMIT);
  const base = { name, help, type: spec.type, labelNames, constLabels, seriesLimit };
  switch (spec.type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      return { ...base, cellWidth: 1, sketchWidth: 0 };
    case 'histogram': {
      const buckets = checkBuckets(name, spec.buckets ?? DEFAULT_BUCKETS);
      return { ...base, cellWidth: buckets.length + 2, sketchWidth: 0, buckets };
    }
    case 'summary': {
      const percentiles = checkPercentiles(name, spec.percentiles ?? DEFAULT_PERCENTILES);
      if (spec.maxAgeSeconds === undefined) return { ...base, cellWidth: 2, sketchWidth: sketchWidth(1), percentiles };
      const maxAgeSeconds = checkPositiveInteger(name, 'maxAgeSeconds', spec.maxAgeSeconds, 600);
      const ageBuckets = checkPositiveInteger(name, 'ageBuckets', spec.ageBuckets, 5);
      return { ...base, cellWidth: 2, sketchWidth: sketchWidth(ageBuckets), percentiles, maxAgeSeconds, ageBuckets };
    }
    default:
      throw new TypeError(`metric "${String((spec as { name?: unknown }).name)}" has unknown type ${JSON.stringify((spec as { type?: unknown }).type)} (counter, gauge, untyped, histogram or summary)`);
  }
}

/** The names a family occupies in the exposition (its own, and its series' suffixes). */
export function exposedNames(def: FamilyDefinition): string[] {
  switch (def.type) {
    case 'histogram':
      return [def.name, `${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
    case 'summary':
      return [def.name, `${def.name}_sum`, `${def.name}_count`];
    case 'counter':
      return def.name.endsWith('_total') ? [def.name, def.name.slice(0, -'_total'.length)] : [def.name, `${def.name}_total`];
    default:
      return [def.name];
  }
}

function positiveMs(what: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`${what} must be a positive number of milliseconds, got ${JSON.stringify(v)}`);
  return v;
}

function checkOption(collector: string, key: string, o: CollectorOption): void {
  const where = `option "${key}" of collector "${collector}"`;
  if (typeof o !== 'object' || o === null) throw new TypeError(`${where} must be an object`);
  if (RESERVED_OPTION_KEYS.has(key)) throw new TypeError(`${where}: "${key}" is reserved for --collector.${collector}.${key}`);
  if (!/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(key)) throw new TypeError(`${where}: key must match [a-zA-Z][a-zA-Z0-9_-]*`);
  if (typeof o.help !== 'string' || o.help === '') throw new TypeError(`${where} needs a help text`);
  if (!OPTION_TYPES.has(o.type)) throw new TypeError(`${where} has type ${JSON.stringify(o.type)} (string, number, boolean or string[])`);
  if (o.flag !== undefined && (typeof o.flag !== 'string' || !FLAG_NAME.test(o.flag))) throw new TypeError(`${where} has an invalid flag name ${JSON.stringify(o.flag)}`);
  const constraints = constraintsProblem(o.type, o);
  if (constraints !== undefined) throw new TypeError(`${where}: ${constraints}`);
  if (o.default === undefined) return;
  const defaultProblem = optionValueProblem(o.type, o, o.default);
  if (defaultProblem !== undefined) throw new TypeError(`${where}: default ${JSON.stringify(o.default)}: ${defaultProblem}`);
  const ok =
    o.type === 'string[]' ? Array.isArray(o.default) && o.default.every((x) => typeof x === 'string') : typeof o.default === o.type && (o.type !== 'number' || Number.isFinite(o.default));
  if (!ok) throw new TypeError(`${where}: default ${JSON.stringify(o.default)} is not a ${o.type}`);
}

/** Checks a description read from a collector file; throws a TypeError naming what is wrong. */
export function checkDescription(d: CollectorDescription): void {
  if (typeof d.name !== 'string' || !COLLECTOR_NAME.test(d.name)) throw new TypeError(`collector name ${JSON.stringify(d.name)} must match [a-z0-9_]+`);
  const where = `collector "${d.name}"`;
  if (d.defaultEnabled !== undefined && typeof d.defaultEnabled !== 'boolean') throw new TypeError(`${where}: defaultEnabled must be a boolean`);
  positiveMs(`${where}: intervalMs`, d.intervalMs);
  positiveMs(`${where}: timeoutMs`, d.timeoutMs);
  if (d.help !== undefined && typeof d.help !== 'string') throw new TypeError(`${where}: help must be a string`);
  if (typeof d.metrics !== 'object' || d.metrics === null || Object.keys(d.metrics).length === 0) throw new TypeError(`${where} declares no metrics`);
  const names = new Set<string>();
  for (const [key, spec] of Object.entries(d.metrics)) {
    let def: FamilyDefinition;
    try {
      def = familyDefinitionOf(spec);
    } catch (e) {
      throw new TypeError(`${where}, metric "${key}": ${(e as Error).message}`);
    }
    if (def.name.startsWith(SELF_PREFIX)) throw new TypeError(`${where}, metric "${key}": name "${def.name}" is reserved for the exporter's self-metrics (${SELF_PREFIX}*)`);
    for (const n of exposedNames(def)) {
      if (names.has(n)) throw new TypeError(`${where}: metric name "${n}" is declared twice`);
      names.add(n);
    }
  }
  for (const [key, o] of Object.entries(d.options ?? {})) checkOption(d.name, key, o);
}
