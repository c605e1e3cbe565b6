/**
 * Parity with Debian's node_exporter (1.5.0) on this machine: both exporters run the same
 * collectors; ours are sampled before, at the same moment as, and after node_exporter's scrape,
 * and every node_exporter family is compared: presence, TYPE, label names, label values (the
 * series), and values within the per-family tolerances of parity-rules.ts. The families that
 * differ are printed.
 *
 * Ours run through the real collector runtime (src/runtime: discovery, flags, worker threads,
 * staged writes, the registry's render). `PARITY_VIA=helper` runs them in-process with
 * test/support/run-collector.ts instead, to tell a collector bug from a runtime one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { startNodeExporter } from '../support/node-exporter.js';
import { collectText, loadCollector } from '../support/run-collector.js';
import { labelKey, parseTextFormat, type Family } from '../support/text-format.js';
import { UPSTREAM_DEFAULT_ARGS } from './parity-args.js';
import { KNOWN_TYPE_DIFFERENCES, ruleFor } from './parity-rules.js';

/** Collectors compared: the host collectors of issue #5 (loadavg included; it is listed there too). */
const HOST_COLLECTORS = ['cpu', 'diskstats', 'entropy', 'filefd', 'filesystem', 'loadavg', 'meminfo', 'netclass', 'netdev', 'netstat', 'os', 'pressure', 'sockstat', 'stat', 'time', 'uname', 'vmstat'];


interface Ours {
  sample(): Promise<string>;
  stop(): Promise<void>;
}

async function viaRuntime(): Promise<Ours> {
  const { createRuntime } = await import('../../src/runtime/index.js');
  const flags: Record<string, unknown> = { 'collector.disable-defaults': true };
  for (const n of HOST_COLLECTORS) flags[`collector.${n}`] = true;
  const runtime = await createRuntime({ flags, logger: pino({ level: 'silent' }) });
  return {
    async sample() {
      const results = await runtime.collectOnce();
      const failed = results.filter((r) => r.outcome !== 'ok');
      assert.deepEqual(failed.map((r) => `${r.collector}: ${r.outcome} ${r.message ?? ''}`), [], 'every collector run succeeds');
      return runtime.registry.metrics();
    },
    stop: () => runtime.stop(),
  };
}

async function viaHelper(): Promise<Ours> {
  const defs = await Promise.all(HOST_COLLECTORS.map((n) => loadCollector(n)));
  return {
    async sample() {
      return (await Promise.all(defs.map((d) => collectText(d)))).join('');
    },
    stop: async () => {},
  };
}

const isHostFamily = (name: string): boolean => name.startsWith('node_') && !name.startsWith('node_scrape_') && name !== 'node_exporter_build_info' && name !== 'node_textfile_scrape_error';

interface Difference {
  family: string;
  what: string;
  known?: string;
}

function valueOk(family: string, theirs: number, samples: (number | undefined)[]): string | undefined {
  const rule = ruleFor(family);
  const ours = samples.filter((v): v is number => v !== undefined);
  if (ours.length === 0) return 'series missing in our samples';
  const eps = (v: number) => Math.abs(v) * 1e-12;
  if (rule.kind === 'exact') {
    const during = samples[1];
    return during !== undefined && Math.abs(during - theirs) <= eps(theirs) ? undefined : `value ${theirs} (theirs) != ${during} (ours), exact expected`;
  }
  const lo = Math.min(...ours) - rule.slack - eps(theirs);
  const hi = Math.max(...ours) + rule.slack + eps(theirs);
  return theirs >= lo && theirs <= hi ? undefined : `value ${theirs} (theirs) outside [${Math.min(...ours)}, ${Math.max(...ours)}] ± ${rule.slack} (ours before/during/after, ${rule.kind})`;
}

function compare(theirs: Map<string, Family>, ours: Map<string, Family>[]): { compared: string[]; diffs: Difference[] } {
  const [, during] = ours as [Map<string, Family>, Map<string, Family>, Map<string, Family>];
  const diffs: Difference[] = [];
  const compared: string[] = [];
  const withSamples = (m: Map<string, Family>) => new Set([...m.values()].filter((f) => f.samples.length > 0 && isHostFamily(f.name)).map((f) => f.name));
  const theirNames = withSamples(theirs);
  const ourNames = withSamples(during);
  for (const name of [...ourNames].filter((n) => !theirNames.has(n)).sort()) diffs.push({ family: name, what: 'only in ours' });
  for (const name of [...theirNames].sort()) {
    compared.push(name);
    const t = theirs.get(name)!;
    const o = during.get(name);
    if (!o || o.samples.length === 0) {
      diffs.push({ family: name, what: 'missing in ours' });
      continue;
    }
    if (t.type !== o.type) {
      const known = KNOWN_TYPE_DIFFERENCES.find((k) => k.pattern.test(name) && k.theirs === t.type && k.ours === o.type);
      diffs.push({ family: name, what: `TYPE ${t.type} (theirs) vs ${o.type} (ours)`, known: known?.why });
    }
    const names = (f: Family) => [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].sort().join(',');
    if (names(t) !== names(o)) diffs.push({ family: name, what: `label names {${names(t)}} (theirs) vs {${names(o)}} (ours)` });
    const keyed = (f: Family | undefined) => new Map((f?.samples ?? []).map((s) => [`${s.name}{${labelKey(s.labels)}}`, s.value]));
    const tk = keyed(t);
    const ok = ours.map((m) => keyed(m.get(name)));
    const onlyTheirs = [...tk.keys()].filter((k) => !ok[1]!.has(k));
    const onlyOurs = [...ok[1]!.keys()].filter((k) => !tk.has(k));
    if (onlyTheirs.length > 0) diffs.push({ family: name, what: `series only in theirs: ${onlyTheirs.slice(0, 5).join(' ')}${onlyTheirs.length > 5 ? ` (+${onlyTheirs.length - 5})` : ''}` });
    if (onlyOurs.length > 0) diffs.push({ family: name, what: `series only in ours: ${onlyOurs.slice(0, 5).join(' ')}${onlyOurs.length > 5 ? ` (+${onlyOurs.length - 5})` : ''}` });
    const bad: string[] = [];
    for (const [k, v] of tk) {
      if (!ok[1]!.has(k)) continue;
      const problem = valueOk(name, v, ok.map((m) => m.get(k)));
      if (problem) bad.push(`${k}: ${problem}`);
    }
    if (bad.length > 0) diffs.push({ family: name, what: bad.slice(0, 3).join('; ') + (bad.length > 3 ? ` (+${bad.length - 3} series)` : '') });
  }
  return { compared, diffs };
}

describe('host collectors vs node_exporter on this machine', { timeout: 120_000 }, () => {
  it('every node_exporter family of the host collectors matches', async (t) => {
    const args = ['--collector.disable-defaults', ...HOST_COLLECTORS.map((c) => `--collector.${c}`), ...UPSTREAM_DEFAULT_ARGS];
    const ne = await startNodeExporter(t, { args });
    if (!ne) return;
    const ours = process.env.PARITY_VIA === 'helper' ? await viaHelper() : await viaRuntime();
    try {
      // Warm up both (JIT, node_exporter's CPU cache) so the compared reads are close together.
      await Promise.all([ours.sample(), ne.scrape()]);
      const before = await ours.sample();
      const [during, theirs] = await Promise.all([ours.sample(), ne.scrape()]);
      const after = await ours.sample();

      const parsedTheirs = parseTextFormat(theirs);
      const { compared, diffs } = compare(parsedTheirs, [before, during, after].map(parseTextFormat));
      const emptyOurs = [...parseTextFormat(during).values()].filter((f) => isHostFamily(f.name) && f.samples.length === 0).length;

      const reasons = [...new Set(diffs.map((d) => d.known).filter((k): k is string => k !== undefined))];
      const lines = [
        `compared ${compared.length} node_exporter families (${[...parsedTheirs.values()].filter((f) => isHostFamily(f.name)).reduce((n, f) => n + f.samples.length, 0)} series) from ${HOST_COLLECTORS.length} collectors`,
        `ours also declares ${emptyOurs} families without series on this machine (rendered as HELP/TYPE only)`,
        diffs.length === 0 ? 'no family differs' : `families that differ (${new Set(diffs.map((d) => d.family)).size}):`,
        ...diffs.map((d) => `  ${d.family}: ${d.what}${d.known ? ` [known ${reasons.indexOf(d.known) + 1}]` : ''}`),
        ...reasons.map((r, i) => `known ${i + 1}: ${r}`),
      ];
      for (const l of lines) t.diagnostic(l);

      const unexpected = diffs.filter((d) => !d.known);
      assert.deepEqual(unexpected, [], 'families differ from node_exporter (see the list above)');
      assert.ok(compared.length >= 100, `too few families compared (${compared.length}): is node_exporter running the host collectors?`);
    } finally {
      await ours.stop();
    }
  });
});
