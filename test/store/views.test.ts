/**
 * The store's fixed-length views (re-made after any thread grows a buffer) and the render's label
 * decoder (one latin1 decode of the arena, UTF-8 where the bytes are not ASCII).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Counter, Gauge, Registry } from '../../src/index.js';
import { viewOf, snapshotFamily } from '../../src/store/snapshot.js';
import { startWorker, terminateAll } from '../fixtures/core/spawn.js';
import type { Op } from '../fixtures/core/worker.js';

afterEach(terminateAll);

/** Every series' label text through the render decoder equals the per-row UTF-8 decode. */
function assertDecodesLikeUtf8(r: Registry, familyId: number): string[] {
  const view = viewOf(r.store);
  const snap = snapshotFamily(view, familyId);
  const from = view.start[familyId]!;
  snap.labelTexts.forEach((text, i) => assert.equal(text, r.store.labelTextOf(view.order[from + i]!)));
  return [...snap.labelTexts];
}

describe('store views after growth', () => {
  it('sees series and values a worker created while growing every buffer', async () => {
    const r = new Registry();
    const spec = { type: 'counter' as const, name: 'grow_total', help: 'growth', labelNames: ['i'] };
    const c = new Counter({ ...spec, registers: [r] });
    c.inc({ i: 'main-0' });
    const before = { rows: r.store.rows.byteLength, arena: r.store.arena.byteLength, common: r.store.common.byteLength };
    const N = 5000; // past INITIAL_ROWS (1024) and INITIAL_CELLS (4096): rows, cells, arena and hash grow
    const ops: Op[] = Array.from({ length: N }, (_, i) => ({ metric: 'grow_total', op: 'inc', labels: { i: `w-${i}` }, value: i + 1 }));
    const w = startWorker(r.share(), { kind: 'ops', specs: [spec], ops });
    await w.next('done');
    // A render right away: this thread did nothing since the worker grew the buffers.
    const first = await r.metrics();
    assert.ok(first.includes('grow_total{i="w-0"} 1\n'));
    assert.ok(first.includes(`grow_total{i="w-${N - 1}"} ${N}\n`));
    assert.equal(first.split('\n').filter((l) => l.startsWith('grow_total{')).length, N + 1);
    // The main thread writes to a series the worker created, and creates more.
    c.inc({ i: 'w-7' }, 100);
    for (let i = 1; i <= 10; i++) c.inc({ i: `main-${i}` }, i);
    const text = await r.metrics();
    assert.ok(r.store.rows.byteLength > before.rows && r.store.arena.byteLength > before.arena && r.store.common.byteLength > before.common);
    const lines = text.split('\n').filter((l) => l.startsWith('grow_total{'));
    assert.equal(lines.length, N + 11);
    assert.ok(lines.includes('grow_total{i="w-0"} 1'));
    assert.ok(lines.includes('grow_total{i="w-7"} 108'));
    assert.ok(lines.includes(`grow_total{i="w-${N - 1}"} ${N}`));
    assert.ok(lines.includes('grow_total{i="main-10"} 10'));
  });

  it('gauges written through the common area after growth', async () => {
    const r = new Registry();
    const g = new Gauge({ name: 'grow_gauge', help: 'g', labelNames: ['i'], registers: [r] });
    for (let i = 0; i < 6000; i++) g.set({ i: String(i) }, i / 2);
    const text = await r.metrics();
    assert.ok(text.includes('grow_gauge{i="5999"} 2999.5\n'));
    assert.ok(text.includes('grow_gauge{i="0"} 0\n'));
  });
});

describe('render label decoder', () => {
  it('decodes non-ASCII label values next to ASCII ones', () => {
    const r = new Registry();
    const c = new Counter({ name: 'dec_total', help: 'Durée en µs, 日本語', labelNames: ['v'], registers: [r] });
    const values = ['plain', 'café', '日本', 'emoji 🎉', 'quote " back \\ nl \n', 'ascii-again', ''];
    for (let k = 0; k < 3000; k++) c.inc({ v: `${values[k % values.length]}-${k}` });
    // Then enough ASCII-only series to fill whole 64 KiB blocks (the substring path).
    for (let k = 0; k < 10_000; k++) c.inc({ v: `ascii-only-${k}` });
    c.inc({ v: 'last é' });
    const texts = assertDecodesLikeUtf8(r, c.familyId);
    assert.equal(texts.length, 13_001);
    assert.equal(texts.at(-1), 'v="last é"');
    assert.ok(texts.includes('v="café-1"'));
    assert.ok(texts.includes('v="emoji 🎉-3"'));
    assert.ok(texts.includes('v="quote \\" back \\\\ nl \\n-4"'));
  });

  it('decodes a label text longer than a check block with a non-ASCII character in the middle', () => {
    const r = new Registry();
    const c = new Counter({ name: 'long_total', help: 'long', labelNames: ['v'], registers: [r] });
    const long = 'a'.repeat(70_000) + 'é' + 'b'.repeat(70_000);
    c.inc({ v: 'short' });
    c.inc({ v: long });
    c.inc({ v: 'after' });
    const texts = assertDecodesLikeUtf8(r, c.familyId);
    assert.deepEqual(texts, ['v="short"', `v="${long}"`, 'v="after"']);
  });

  it('series without labels and const labels', async () => {
    const r = new Registry();
    new Counter({ name: 'bare_total', help: 'bare', registers: [r] }).inc(2);
    new Counter({ name: 'const_total', help: 'c', labelNames: ['x'], constLabels: { site: 'ü' }, registers: [r] }).inc({ x: 'y' });
    const text = await r.metrics();
    assert.ok(text.includes('\nbare_total 2\n'));
    assert.ok(text.includes('\nconst_total{site="ü",x="y"} 1\n'));
  });
});
