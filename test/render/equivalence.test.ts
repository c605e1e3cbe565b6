/**
 * The render path of the server (src/render/: store families written straight from shared
 * memory, sliced, reused while unchanged) against the string renderers (src/exposition/) on
 * the same registry: byte for byte the same output, in both formats, for random registries
 * (every metric type, label values that need escaping, UTF-8, const and default labels,
 * special values). Then what reuse does: a committed family is reused until its version
 * moves; an instrumented one is written fresh every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import { renderOpenMetrics } from '../../src/exposition/openmetrics.js';
import { renderText } from '../../src/exposition/text.js';
import { PlanRenderer } from '../../src/render/renderer.js';
import { ChunkTextDecoder } from '../../src/render/to-string.js';
import type { Format } from '../../src/render/store-family.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';

async function rendered(renderer: PlanRenderer, registry: Registry, format: Format): Promise<{ text: string; reused: number; written: number }> {
  const r = await renderer.render(registry.renderPlanNow(), format);
  return { text: Buffer.concat(r.segments.flatMap((s) => [...s.chunks])).toString('utf8'), reused: r.stats.reused, written: r.stats.written };
}

const labelValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('\\', '"', '\n', 'a', 'ü', '🎉', '中', ' ', '{', ',', '='), maxLength: 8 }),
);
const value = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 0.1, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Infinity, -Infinity, NaN),
);

interface Spec {
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  labels: string[];
  constLabels: Record<string, string>;
  series: { values: string[]; v: number[] }[];
}

const spec: fc.Arbitrary<Spec> = fc
  .record({
    type: fc.constantFrom('counter', 'gauge', 'histogram', 'summary') as fc.Arbitrary<Spec['type']>,
    labelCount: fc.integer({ min: 0, max: 3 }),
    constLabels: fc.dictionary(fc.constantFrom('region', 'zone'), labelValue, { maxKeys: 2 }),
    series: fc.array(fc.record({ values: fc.array(labelValue, { minLength: 3, maxLength: 3 }), v: fc.array(value, { minLength: 1, maxLength: 4 }) }), { maxLength: 6 }),
  })
  .map((s) => ({ type: s.type, labels: ['a', 'b', 'c'].slice(0, s.labelCount), constLabels: s.constLabels, series: s.series }));

function build(specs: Spec[], defaults: Record<string, string>): Registry {
  const registry = new Registry();
  specs.forEach((s, i) => {
    const base = { name: `m${i}_${s.type}`, help: `help ${i} "q" \\ ü\nline`, labelNames: s.labels, constLabels: s.constLabels, registers: [registry] };
    for (const series of s.series) {
      const labels = Object.fromEntries(s.labels.map((l, k) => [l, series.values[k]!]));
      for (const v of series.v) {
        if (s.type === 'counter') {
          const c = (registry.getSingleMetric(base.name) as Counter | undefined) ?? new Counter(base);
          c.inc(labels, Number.isFinite(v) ? Math.abs(v) : 1);
        } else if (s.type === 'gauge') {
          const g = (registry.getSingleMetric(base.name) as Gauge | undefined) ?? new Gauge(base);
          if (!Number.isNaN(v)) g.set(labels, v);
        } else if (s.type === 'histogram') {
          const h = (registry.getSingleMetric(base.name) as Histogram | undefined) ?? new Histogram({ ...base, buckets: [0.1, 1, 10] });
          if (!Number.isNaN(v)) h.observe(labels, v);
        } else {
          const m = (registry.getSingleMetric(base.name) as Summary | undefined) ?? new Summary({ ...base, percentiles: [0.5, 0.99] });
          if (Number.isFinite(v)) m.observe(labels, v);
        }
      }
    }
    if (registry.getSingleMetric(base.name) === undefined) new Gauge(base);
  });
  if (Object.keys(defaults).length > 0) registry.setDefaultLabels(defaults);
  return registry;
}

describe('render path: the same bytes as the string renderers', () => {
  it('for random registries, in both formats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 5 }), fc.constantFrom<Record<string, string>>({}, { a: 'dflt' }, { env: 'prod "x"' }), async (specs, defaults) => {
        const registry = build(specs, defaults);
        const renderer = new PlanRenderer();
        const snapshots = registry.snapshotsNow();
        assert.equal((await rendered(renderer, registry, 'text')).text, renderText(snapshots));
        assert.equal((await rendered(renderer, registry, 'openmetrics')).text, renderOpenMetrics(snapshots));
      }),
      { numRuns: 150 },
    );
  });

  it('for families declared by another thread (store families outside the registry) and a counter named without _total', async () => {
    const registry = new Registry();
    const store = registry.store;
    const f = store.declareFamily(familyDefinitionOf({ type: 'counter', name: 'requests', help: 'h', labelNames: ['x'] }));
    store.addCommon(store.cellOf(store.resolve(f, 'x="1"')), 3);
    store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'empty_family', help: 'e' }));
    const nan = store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'odd_values', help: 'e', labelNames: ['v'] }));
    for (const v of [NaN, -0, Infinity, -Infinity, 1e-300, 2 ** 60]) store.setCommon(store.cellOf(store.resolve(nan, `v="${String(v)}"`)), v);
    const renderer = new PlanRenderer();
    assert.equal((await rendered(renderer, registry, 'text')).text, renderText(registry.snapshotsNow()));
    assert.equal((await rendered(renderer, registry, 'openmetrics')).text, renderOpenMetrics(registry.snapshotsNow()));
  });

  it('while yielding in slices of a big family', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'big', help: 'h', labelNames: ['i'], registers: [registry] });
    for (let i = 0; i < 20_000; i++) gauge.set({ i: String(i) }, i / 7);
    const renderer = new PlanRenderer({ sliceMs: 0 });
    const r = await renderer.render(registry.renderPlanNow(), 'text');
    assert.ok(r.stats.yields > 5, `yields: ${r.stats.yields}`);
    assert.equal(Buffer.concat(r.segments.flatMap((s) => [...s.chunks])).toString(), renderText(registry.snapshotsNow()));
  });
});

describe('registry.metrics(): the byte render decoded to one string', () => {
  it('equals the string renderers for random registries, in both formats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 5 }), fc.constantFrom<Record<string, string>>({}, { a: 'dflt' }), async (specs, defaults) => {
        const registry = build(specs, defaults);
        const snapshots = registry.snapshotsNow();
        assert.equal(await registry.metrics(), renderText(snapshots));
        registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
        assert.equal(await registry.metrics(), renderOpenMetrics(snapshots));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps multi-byte characters whole where the 1 MiB chunks end (several MiB of mixed ASCII and UTF-8)', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'utf8_spread', help: 'ü 中 🎉', labelNames: ['name', 'i'], registers: [registry] });
    // Mostly ASCII, with runs of 2-, 3- and 4-byte characters at shifting offsets, so some chunk
    // ends inside a character and some chunks are pure ASCII.
    const words = ['plain-ascii-value', 'größe-ü', '中文标签值', 'emoji-🎉🚀', 'x'.repeat(37)];
    for (let i = 0; i < 60_000; i++) gauge.set({ name: words[i % words.length]! + 'ä'.repeat(i % 3), i: String(i) }, i);
    const text = await registry.metrics();
    assert.ok(Buffer.byteLength(text) > 3 * 1024 * 1024, `only ${Buffer.byteLength(text)} bytes`);
    assert.equal(text, renderText(registry.snapshotsNow()));
    assert.equal(text.includes('\uFFFD'), false);
  });

  it('overlapping calls (each yields mid-render) give each its own output: their chunk memory is not shared', async () => {
    // Each render is several 1 MiB chunks and yields every 8 ms slice, so two in flight
    // interleave: memory reused from render to render must never serve two at once.
    const registries = ['a', 'b'].map((tag) => {
      const r = new Registry();
      const g = new Gauge({ name: `overlap_${tag}`, help: tag, labelNames: ['i'], registers: [r] });
      for (let i = 0; i < 150_000; i++) g.set({ i: `${tag}-${i}` }, i);
      return r;
    });
    const alone = [await registries[0]!.metrics(), await registries[1]!.metrics()];
    assert.ok(alone[0]!.length > 3 * 1024 * 1024, `${alone[0]!.length} bytes`);
    for (let round = 0; round < 3; round++) {
      const together = await Promise.all([registries[0]!.metrics(), registries[1]!.metrics(), registries[0]!.metrics()]);
      assert.ok(together[0] === alone[0] && together[1] === alone[1] && together[2] === alone[0], `round ${round}: an output differs from the same registry's output alone`);
    }
  });

  it('the chunk decoder: a text cut into chunks at every byte offset decodes whole', () => {
    const text = 'a="ü",b="中",c="🎉" 1\nascii only line\n' + 'x'.repeat(20) + 'ßü中🎉\n';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (let cut2 = cut; cut2 <= bytes.length; cut2 += 3) {
        const d = new ChunkTextDecoder();
        d.write(bytes.subarray(0, cut));
        d.write(bytes.subarray(cut, cut2));
        d.write(bytes.subarray(cut2));
        assert.equal(d.end(), text, `cut at ${cut} and ${cut2}`);
      }
    }
  });
});

describe('render path: reuse', () => {
  it('reuses a committed family until its version moves, and never an instrumented one', async () => {
    const registry = new Registry();
    const store = registry.store;
    const committed = store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'collected', help: 'h', labelNames: ['i'] }));
    store.markCommitted(committed);
    const ref = store.resolve(committed, 'i="0"');
    store.setCommon(store.cellOf(ref), 1);
    const instrumented = new Gauge({ name: 'instrumented', help: 'h', registers: [registry] });
    instrumented.set(1);
    const renderer = new PlanRenderer();

    const first = await rendered(renderer, registry, 'text');
    assert.equal(first.reused, 0);
    // Nothing touched: the committed family is reused, the instrumented one written again.
    instrumented.set(2);
    const second = await rendered(renderer, registry, 'text');
    assert.equal(second.reused, 1);
    assert.match(second.text, /^instrumented 2$/m);
    assert.match(second.text, /^collected\{i="0"\} 1$/m);
    // A write without a touch is not seen (that is the contract: batches end with a touch) ...
    store.setCommon(store.cellOf(ref), 5);
    assert.match((await rendered(renderer, registry, 'text')).text, /^collected\{i="0"\} 1$/m);
    // ... the touch makes the next render write it again.
    store.touchFamily(committed);
    const third = await rendered(renderer, registry, 'text');
    assert.equal(third.reused, 0);
    assert.match(third.text, /^collected\{i="0"\} 5$/m);
    // A new series moves the version too.
    store.resolve(committed, 'i="1"');
    assert.match((await rendered(renderer, registry, 'text')).text, /^collected\{i="1"\} 0$/m);
    // Each format has its own.
    assert.equal((await rendered(renderer, registry, 'openmetrics')).reused, 0);
    assert.equal((await rendered(renderer, registry, 'openmetrics')).reused, 1);
  });

  it('a redeclared family is written under its new name', async () => {
    const registry = new Registry();
    const store = registry.store;
    const f = store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'old_name', help: 'h', labelNames: ['i'] }));
    store.markCommitted(f);
    store.resolve(f, 'i="0"');
    const renderer = new PlanRenderer();
    assert.match((await rendered(renderer, registry, 'text')).text, /^old_name\{i="0"\} 0$/m);
    store.redeclareFamily(f, familyDefinitionOf({ type: 'gauge', name: 'new_name', help: 'h2', labelNames: ['j'] }));
    store.resolve(f, 'j="1"');
    const text = (await rendered(renderer, registry, 'text')).text;
    assert.doesNotMatch(text, /old_name/);
    assert.match(text, /^# HELP new_name h2$/m);
    assert.match(text, /^new_name\{j="1"\} 0$/m);
    assert.equal(text, renderText(registry.snapshotsNow()));
  });
});

describe('render path: omitEmptyFamilies', () => {
  it('leaves a family out when it is empty at render time, not when the plan was made', async () => {
    const registry = new Registry(undefined, { omitEmptyFamilies: true });
    const store = registry.store;
    const collected = store.declareFamily(familyDefinitionOf({ type: 'counter', name: 'collected_total', help: 'h', labelNames: ['i'] }));
    store.markCommitted(collected);
    const labelled = new Gauge({ name: 'labelled', help: 'h', labelNames: ['i'], registers: [registry] });
    const renderer = new PlanRenderer();
    const render = async (plan: Awaited<ReturnType<Registry['renderPlan']>>) => {
      const decoder = new ChunkTextDecoder();
      await renderer.render(plan, 'text', { emit: (c) => void decoder.write(c) });
      return decoder.end();
    };

    // Empty when planned and when rendered: left out.
    assert.doesNotMatch(await render(await registry.renderPlan()), /collected_total|labelled/);
    // Planned while empty, its first series created before the render (a collector run applied
    // in between): the render shows it, as it shows every other value of that moment.
    const plan = await registry.renderPlan();
    store.resolve(collected, 'i="0"');
    store.touchFamily(collected);
    labelled.set({ i: 'x' }, 2);
    const text = await render(plan);
    assert.match(text, /^collected_total\{i="0"\} 0$/m);
    assert.match(text, /^labelled\{i="x"\} 2$/m);
    // And its output, kept for reuse, is not reused once the series are gone.
    store.remove(collected, 'i="0"');
    labelled.remove({ i: 'x' });
    assert.doesNotMatch(await render(await registry.renderPlan()), /collected_total|labelled/);
    assert.equal(await registry.metrics(), '');
  });
});
