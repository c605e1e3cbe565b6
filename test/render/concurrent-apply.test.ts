/**
 * A render while collector runs are applied: a family a run wrote while the render wrote it is
 * written again (its output could hold part of the run), and a family no run touched is not,
 * whatever runs other collectors apply meanwhile (a busy pool ends runs at any time; rewriting
 * every family a render was in the middle of doubled its cost in the saturation bench).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '../../src/registry.js';
import { PlanRenderer } from '../../src/render/renderer.js';
import { applyStage, BoundMetric, Stage } from '../../src/runtime/stage.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';
import type { MetricSpec } from '../../src/collector/define.js';
import type { Store } from '../../src/store/store.js';

const BIG = 20_000;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A committed family of a collector, and one staged run of it applied with the runtime's code. */
function collectorFamily(store: Store, spec: MetricSpec, Bound: typeof BoundMetric = BoundMetric) {
  const def = familyDefinitionOf(spec);
  const f = store.declareFamily(def);
  store.markCommitted(f);
  const bound = new Bound('m', f, def);
  const run = (write: (m: { set: (labels: Record<string, string>, v: number) => void }) => void): void => {
    const stage = new Stage([bound]);
    write((stage.handles() as { m: { set: (labels: Record<string, string>, v: number) => void } }).m);
    stage.close();
    applyStage(store, stage);
  };
  return { f, run };
}

/** The values of `name`'s series in a text body, by label text. */
function valuesOf(text: string, name: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`)) out.push(Number(line.slice(line.lastIndexOf(' ') + 1)));
  return out;
}

/** A registry whose collector family `big` has BIG series, all at 1 (applied as a run). */
function bigFamily() {
  const registry = new Registry();
  const store = registry.store;
  const big = collectorFamily(store, { type: 'gauge', name: 'big', help: 'h', labelNames: ['i'] });
  big.run((m) => {
    for (let i = 0; i < BIG; i++) m.set({ i: String(i) }, 1);
  });
  const cells = Array.from({ length: BIG }, (_, i) => store.cellOf(store.resolve(big.f, `i="${i}"`)));
  return { registry, store, big, cells };
}

async function render(renderer: PlanRenderer, registry: Registry) {
  const r = await renderer.render(registry.renderPlanNow(), 'text');
  return { text: Buffer.concat(r.segments.flatMap((s) => [...s.chunks])).toString('utf8'), stats: r.stats };
}

describe('render path: runs applied during a render', () => {
  it('runs applied to other families do not make a family be written again', async () => {
    const { registry } = bigFamily();
    const other = collectorFamily(registry.store, { type: 'gauge', name: 'other', help: 'h', labelNames: ['k'] });
    // Slices of no length: the render gives the event loop a turn every 1024 series.
    const renderer = new PlanRenderer({ sliceMs: 0 });
    let done = false;
    let applied = 0;
    const rendering = render(renderer, registry).finally(() => (done = true));
    // Another collector's run applied on every turn the render gives, as a busy pool would.
    while (!done) {
      other.run((m) => m.set({ k: 'a' }, ++applied));
      await turn();
    }
    const { text, stats } = await rendering;
    assert.ok(applied > BIG / 1024 / 2, `runs applied during the render: ${applied}`);
    assert.equal(stats.rewritten, 0);
    assert.deepEqual(new Set(valuesOf(text, 'big')), new Set([1]));
    assert.equal(valuesOf(text, 'big').length, BIG);
  });

  it('a family a run writes while it is written is written again, and shows the run whole', async () => {
    const { registry, store, big, cells } = bigFamily();
    const renderer = new PlanRenderer({ sliceMs: 0 });
    let done = false;
    const rendering = render(renderer, registry).finally(() => (done = true));
    // A run that writes the family's values over two turns (as a pool thread does while the
    // main thread renders), starting once the render is under way.
    await turn();
    await turn();
    assert.equal(done, false, 'the render is still writing the family');
    store.beginFamilyApply(big.f);
    for (let i = 0; i < BIG / 2; i++) store.setCommon(cells[i]!, 2);
    await turn();
    for (let i = BIG / 2; i < BIG; i++) store.setCommon(cells[i]!, 2);
    store.touchFamily(big.f);
    store.endFamilyApply(big.f);
    const { text, stats } = await rendering;
    assert.ok(stats.rewritten >= 1, `rewritten: ${stats.rewritten}`);
    assert.deepEqual(new Set(valuesOf(text, 'big')), new Set([2]));
  });

  it('a family a run applies to all through the render is written three times at most, and whole once the run is done', async () => {
    const { registry, store, big, cells } = bigFamily();
    const renderer = new PlanRenderer({ sliceMs: 0 });
    // A run already applying when the render reaches the family (as a pool thread may be).
    store.beginFamilyApply(big.f);
    for (let i = 0; i < BIG / 2; i++) store.setCommon(cells[i]!, 3);
    const during = await render(renderer, registry);
    // The first write and two more; then the render gives what it has rather than wait on.
    assert.equal(during.stats.rewritten, 2);
    for (let i = BIG / 2; i < BIG; i++) store.setCommon(cells[i]!, 3);
    store.touchFamily(big.f);
    store.endFamilyApply(big.f);
    const after = await render(renderer, registry);
    assert.equal(after.stats.rewritten, 0);
    assert.equal(after.stats.reused, 0);
    assert.deepEqual(new Set(valuesOf(after.text, 'big')), new Set([3]));
  });

  it('a staged run marks each family as being applied while it writes it, and only then', () => {
    const registry = new Registry();
    const store = registry.store;
    const seen: boolean[] = [];
    // The runtime's own class, watched: whether the family is marked when the apply resolves a series.
    class Watched extends BoundMetric {
      override ref(s: Store, text: string) {
        seen.push(s.familyApplying(this.familyId));
        return super.ref(s, text);
      }
    }
    const a = collectorFamily(store, { type: 'gauge', name: 'a', help: 'h', labelNames: ['i'] }, Watched);
    a.run((m) => {
      m.set({ i: '0' }, 1);
      m.set({ i: '1' }, 1);
    });
    assert.deepEqual(seen, [true, true]);
    assert.equal(store.familyApplying(a.f), false);
    // A run whose apply throws (here: resolving a series) leaves no mark behind.
    class Failing extends BoundMetric {
      override ref(): never {
        throw new Error('boom');
      }
    }
    const b = collectorFamily(store, { type: 'gauge', name: 'b', help: 'h', labelNames: ['i'] }, Failing);
    assert.throws(() => b.run((m) => m.set({ i: '0' }, 1)), /boom/);
    assert.equal(store.familyApplying(b.f), false);
  });
});
