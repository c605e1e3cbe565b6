/**
 * The store's series keys (src/store/label-key.ts): label values only, length-prefixed, absent
 * labels marked; label text that is not the family's labels kept raw. Whatever the text, the key
 * must give back exactly that text, both as bytes written by the render (four bytes at a time,
 * or one by one at the end of the arena) and as a string.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatLabelPairs } from '../../src/exposition/escape.js';
import { KEY_ABSENT, KEY_RAW, keyFromText, keyLabelsOf, keyText, writeKeyText } from '../../src/store/label-key.js';
import { viewOf } from '../../src/render/sink.js';
import { Gauge, Registry } from '../../src/index.js';
import { renderText } from '../../src/exposition/text.js';

const NAMES = ['a', 'method', 'le_x', 'z9'];

function key(text: string, names: readonly string[]): Buffer {
  const bytes = Buffer.from(text);
  const out = Buffer.alloc(bytes.length + names.length + 1);
  return out.subarray(0, keyFromText(bytes, bytes.length, keyLabelsOf(names), out));
}

/** The key's text as the render writes it: with words (key inside a bigger arena) or at the arena's very end. */
function rendered(k: Buffer, names: readonly string[], atEnd: boolean, comma = false): string {
  const labels = keyLabelsOf(names);
  const arena = Buffer.alloc(k.length + (atEnd ? 0 : 64), 0xaa);
  const off = atEnd ? 0 : 5;
  k.copy(arena, off);
  const src = atEnd ? arena.subarray(0, k.length) : arena;
  const out = Buffer.alloc(k.length + labels.overhead + 8);
  const end = writeKeyText(out, viewOf(out), 0, src, viewOf(src), off, k.length, labels, comma);
  return out.toString('utf8', 0, end);
}

const value = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('\\', '"', '\n', 'ü', '🎉', '中', ',', '=', 'x'), maxLength: 10 }),
  fc.integer({ min: 245, max: 300 }).map((n) => 'v'.repeat(n)),
);

describe('series keys', () => {
  it('declared labels in order, any subset present: the key fits its room and gives the text back exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.option(value, { nil: undefined }), { minLength: NAMES.length, maxLength: NAMES.length }), (values) => {
        const present = NAMES.map((n, i) => [n, values[i]] as const).filter(([, v]) => v !== undefined) as [string, string][];
        const text = formatLabelPairs(
          present.map(([n]) => n),
          present.map(([, v]) => v),
        );
        const k = key(text, NAMES);
        assert.notEqual(k[0], KEY_RAW, 'values form');
        assert.ok(k.length <= Buffer.byteLength(text) + NAMES.length, `key ${k.length} B for text ${Buffer.byteLength(text)} B`);
        assert.equal(rendered(k, NAMES, false), text);
        assert.equal(rendered(k, NAMES, true), text);
        assert.equal(keyText(Buffer.from(k), 0, k.length, keyLabelsOf(NAMES)), text);
        assert.equal(keyText(Buffer.from(k), 0, k.length, keyLabelsOf(NAMES), Buffer.from(k).toString('latin1')), text);
        if (text !== '') assert.equal(rendered(k, NAMES, false, true), ',' + text);
      }),
      { numRuns: 400 },
    );
  });

  it('lengths around the one-byte limit and far beyond it', () => {
    for (const n of [0, 1, 250, 251, 252, 253, 254, 255, 256, 1000, 70_000]) {
      const text = formatLabelPairs(['a', 'method'], ['x'.repeat(n), 'y']);
      const k = key(text, ['a', 'method']);
      assert.equal(rendered(k, ['a', 'method'], false), text, `length ${n}`);
      assert.equal(rendered(k, ['a', 'method'], true), text, `length ${n}, at the arena end`);
      assert.equal(keyText(Buffer.from(k), 0, k.length, keyLabelsOf(['a', 'method'])), text, `length ${n}`);
    }
  });

  it('absent and empty are different series', () => {
    const names = ['a', 'b'];
    const absent = key('b="1"', names);
    const empty = key('a="",b="1"', names);
    assert.equal(absent[0], KEY_ABSENT);
    assert.notDeepEqual(absent, empty);
    assert.equal(rendered(absent, names, false), 'b="1"');
    assert.equal(rendered(empty, names, false), 'a="",b="1"');
    assert.equal(key('', names).length, 2, 'no labels at all: two absent markers');
    assert.equal(rendered(key('', names), names, false), '');
  });

  it('label text that is not the family’s labels in order is kept raw, and given back as it is', () => {
    for (const [text, names] of [
      ['b="1",a="2"', ['a', 'b']],
      ['c="1"', ['a', 'b']],
      ['cycle_id="0",series_id="7"', []],
      ['a="1",', ['a']],
      ['a="unterminated', ['a']],
    ] as const) {
      const k = key(text, names);
      assert.equal(k[0], KEY_RAW, text);
      assert.equal(rendered(k, names, false), text);
      assert.equal(rendered(k, names, false, true), ',' + text);
      assert.equal(keyText(Buffer.from(k), 0, k.length, keyLabelsOf(names)), text);
    }
  });

  it('a store family renders long, absent, escaped and UTF-8 values as the string renderer does', async () => {
    const r = new Registry();
    const g = new Gauge({ name: 'keys_demo', help: 'h', labelNames: ['a', 'b', 'c'], constLabels: { k: 'v' }, registers: [r] });
    g.set({ a: 'x'.repeat(300), b: 'ü"\\\n', c: '' }, 1);
    g.set({ b: '中' }, 2);
    g.set({}, 3);
    g.set({ c: 'y'.repeat(251) }, 4);
    const text = await r.metrics();
    assert.equal(text, renderText(r.snapshotsNow()));
    assert.match(text, /keys_demo\{k="v",a="x{300}",b="ü\\"\\\\\\n",c=""\} 1\n/);
    assert.match(text, /keys_demo\{k="v"\} 3\n/);
  });
});
