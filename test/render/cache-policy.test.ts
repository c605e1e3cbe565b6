/**
 * What the render cache keeps (issue #7's peak RSS): output kept for reuse only while the body
 * is steady and fits in the cache. A growing body reuses what was kept but adds nothing new
 * (a target building up would otherwise fill the cache just before outgrowing it); a body bigger
 * than the cache keeps nothing; the first render at a steady size fills it again. The bodies are
 * always whole and current.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '../../src/index.js';
import { PlanRenderer } from '../../src/render/renderer.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';
import { GROWTH_SLACK_LINES, SharedRenders, type RenderedBody, type StreamedBody } from '../../src/server/shared-render.js';

function setup(): { registry: Registry; add: (family: number, from: number, to: number) => void; fams: number[] } {
  const registry = new Registry();
  const store = registry.store;
  const fams = ['steady_family', 'growing_family'].map((name) => {
    const f = store.declareFamily(familyDefinitionOf({ type: 'gauge', name, help: 'h', labelNames: ['i'] }));
    store.markCommitted(f);
    return f;
  });
  const add = (f: number, from: number, to: number): void => {
    for (let i = from; i < to; i++) store.setCommon(store.cellOf(store.resolve(f, `i="${i}"`)), i);
    store.touchFamily(f);
  };
  return { registry, add, fams };
}

async function text(r: RenderedBody | StreamedBody): Promise<string> {
  if ('body' in r) return Buffer.concat(r.body as Buffer[]).toString();
  const parts: Buffer[] = [];
  for (let c = await r.stream.next(); c !== undefined; c = await r.stream.next()) parts.push(c);
  return Buffer.concat(parts).toString();
}

const lines = (body: string, name: string): number => body.split('\n').filter((l) => l.startsWith(`${name}{`)).length;

for (const streamLines of [Infinity, 100] as const) {
  describe(`SharedRenders cache policy (${streamLines === Infinity ? 'buffered' : 'streamed'} bodies)`, () => {
    it('keeps nothing new while the body grows, reuses what it kept, and fills again once steady', async () => {
      const { registry, add, fams } = setup();
      const [steady, growing] = fams as [number, number];
      add(steady, 0, 500);
      add(growing, 0, 500);
      const shared = new SharedRenders(() => registry.renderPlan(), () => {}, { streamLines, maxCacheBytes: 64 * 1024 * 1024 });

      // First render: nothing to compare with, both families kept.
      let body = await text(await shared.get('text', 'identity'));
      assert.equal(lines(body, 'growing_family'), 500);
      assert.equal(shared.cached('text').families, 2);

      // The body grows by more than the slack: the steady family is reused and stays kept, the
      // grown one is written (current values) but not kept.
      add(growing, 500, 500 + 2 * GROWTH_SLACK_LINES);
      body = await text(await shared.get('text', 'identity'));
      assert.equal(lines(body, 'growing_family'), 500 + 2 * GROWTH_SLACK_LINES);
      assert.equal(lines(body, 'steady_family'), 500);
      assert.equal(shared.cached('text').families, 1);

      // Still growing: still not kept.
      add(growing, 500 + 2 * GROWTH_SLACK_LINES, 500 + 4 * GROWTH_SLACK_LINES);
      body = await text(await shared.get('text', 'identity'));
      assert.equal(lines(body, 'growing_family'), 500 + 4 * GROWTH_SLACK_LINES);
      assert.equal(shared.cached('text').families, 1);

      // Steady (a change within the slack): kept again.
      add(growing, 500 + 4 * GROWTH_SLACK_LINES, 500 + 4 * GROWTH_SLACK_LINES + 10);
      body = await text(await shared.get('text', 'identity'));
      assert.equal(lines(body, 'growing_family'), 500 + 4 * GROWTH_SLACK_LINES + 10);
      assert.equal(shared.cached('text').families, 2);
      const kept = shared.cached('text').bytes;

      // And reused while unchanged: the same bytes as a fresh render.
      const again = await text(await shared.get('text', 'identity'));
      assert.equal(shared.cached('text').bytes, kept);
      const fresh = await text(await new SharedRenders(() => registry.renderPlan(), () => {}, { streamLines, maxCacheBytes: 0 }).get('text', 'identity'));
      const strip = (s: string): string => s.replace(/^atomic_exporter_scrape.*\n/gm, '');
      assert.equal(strip(again), strip(fresh));
    });

    it('keeps nothing of a body bigger than the cache, and drops what it kept', async () => {
      const { registry, add, fams } = setup();
      add(fams[0]!, 0, 100);
      const shared = new SharedRenders(() => registry.renderPlan(), () => {}, { streamLines, maxCacheBytes: 64 * 1024 });
      await text(await shared.get('text', 'identity'));
      // (The empty family is kept too: its HELP and TYPE lines.)
      assert.equal(shared.cached('text').families, 2);
      // ~100 bytes a line estimated: 1000 lines do not fit in 64 KiB.
      add(fams[1]!, 0, 1000);
      await text(await shared.get('text', 'identity'));
      assert.deepEqual(shared.cached('text'), { families: 0, bytes: 0 });
      await text(await shared.get('text', 'identity'));
      assert.deepEqual(shared.cached('text'), { families: 0, bytes: 0 });
    });
  });
}

describe('PlanRenderer admit: false', () => {
  it('reuses and keeps what was kept, keeps no new output', async () => {
    const { registry, add, fams } = setup();
    add(fams[0]!, 0, 50);
    const renderer = new PlanRenderer();
    let r = await renderer.render(registry.renderPlanNow(), 'text');
    // (The empty family is kept too: its HELP and TYPE lines.)
    assert.equal(renderer.cached('text').families, 2);
    add(fams[1]!, 0, 50);
    r = await renderer.render(registry.renderPlanNow(), 'text', { admit: false });
    assert.equal(r.stats.reused, 1);
    assert.equal(renderer.cached('text').families, 1);
    const body = Buffer.concat(r.segments.flatMap((s) => s.chunks)).toString();
    assert.equal(lines(body, 'growing_family'), 50);
    assert.equal(lines(body, 'steady_family'), 50);
    r = await renderer.render(registry.renderPlanNow(), 'text');
    assert.equal(r.stats.reused, 1);
    assert.equal(renderer.cached('text').families, 2);
  });
});
