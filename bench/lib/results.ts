/**
 * The result files: `<out>/<name>.json` (everything, machine-readable), `<out>/<name>.svg` (the
 * charts) and `<out>/SUMMARY.md` (regenerated from every JSON in the directory).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MachineInfo } from './machine.js';
import { writeSummary } from './summary.js';
import { renderCharts, type BarChart } from './svg.js';

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

/** A goal from an issue, checked against the measurement. */
export interface BenchTarget {
  name: string;
  /** e.g. `≥ 10× faster than prom-client` */
  target: string;
  /** e.g. `14.2×` */
  actual: string;
  met: boolean;
}

export interface BenchResult {
  /** File name: `core` → core.json, core.svg. */
  name: string;
  title: string;
  description?: string;
  mode: 'full' | 'quick';
  machine: MachineInfo;
  durationMs: number;
  targets?: BenchTarget[];
  /** Shown in SUMMARY.md, in order; put the ratio columns in them. */
  tables: BenchTable[];
  notes?: string[];
  /** Raw measurements (samples, per-run figures), kept in the JSON only. */
  data?: unknown;
}

export interface Written {
  json: string;
  svg?: string;
  summary: string;
}

/** Writes `<name>.json`, `<name>.svg` (if charts are given) and regenerates SUMMARY.md. */
export function writeResult(outDir: string, result: BenchResult, charts: BarChart[] = []): Written {
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, `${result.name}.json`);
  fs.writeFileSync(json, JSON.stringify(result, null, 2) + '\n');
  let svg: string | undefined;
  if (charts.length > 0) {
    svg = path.join(outDir, `${result.name}.svg`);
    fs.writeFileSync(svg, renderCharts(result.title, charts));
  }
  return { json, svg, summary: writeSummary(outDir) };
}

/** Every result in a directory, by name. Files that do not parse are skipped. */
export function readResults(outDir: string): BenchResult[] {
  if (!fs.existsSync(outDir)) return [];
  const out: BenchResult[] = [];
  for (const f of fs.readdirSync(outDir).sort()) {
    if (!f.endsWith('.json')) continue;
    try {
      const r = JSON.parse(fs.readFileSync(path.join(outDir, f), 'utf8')) as BenchResult;
      if (r && typeof r.name === 'string' && Array.isArray(r.tables)) out.push(r);
    } catch {
      // not a result file
    }
  }
  return out;
}
