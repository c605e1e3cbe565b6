import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECIMAL_INPUT, writeShortestDecimal } from '../../src/render/shortest-decimal.js';
import { writeValue } from '../../src/render/sink.js';
import { xorshift32 as generator } from '../support/xorshift.js';

// The writer must produce String(v)'s bytes for every finite double: the render's output is
// compared with prom-client's, and Prometheus reads the value back from them.

const out = Buffer.alloc(64);

function written(v: number, at = 0): string {
  DECIMAL_INPUT[0] = v;
  const end = writeShortestDecimal(out, at);
  return out.toString('latin1', at, end);
}

/** Checks every value; fails with the first few that differ. */
function checkAll(values: Iterable<number>): number {
  const wrong: string[] = [];
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    const got = written(v);
    if (got !== String(v) && wrong.length < 5) wrong.push(`${String(v)} written as ${got}`);
  }
  assert.deepEqual(wrong, []);
  return n;
}

function* fromBits(count: number, seed: number): Generator<number> {
  const next = generator(seed);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < count; i++) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    yield view.getFloat64(0);
  }
}

test('edge values: zeros, subnormals, the largest double, layout boundaries', () => {
  const edges = [
    0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
    1e21, 1e21 - 65536, 9.999999999999999e20, 1e22, 123456789012345680000, 1.2345678901234568e21,
    1e-6, 1e-7, 1.5e-6, 1.5e-7, 0.000001, Number('0.0000012345678901234567'), 9.99999999999999e-7, 1.0000000000000002e-6,
    2 ** 53, 2 ** 53 + 2, 2 ** 60, 2 ** 63, 2 ** 64, 2 ** 1023, 2 ** -1022, 2 ** -1074,
    0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.1 + 0.2, 1.7976931348623157e308, 4.35, 5e-324 * 3,
    123.456, 1e15 + 0.3, 1e16, Number('9007199254740993'), 0.5, 1.5, 100.25, 1e300, 1e-300,
  ];
  assert.ok(checkAll([...edges, ...edges.map((v) => -v)]) > 90);
});

test('powers of two and of ten across the whole exponent range, and their neighbours', () => {
  const values: number[] = [];
  const view = new DataView(new ArrayBuffer(8));
  const neighbours = (v: number): number[] => {
    view.setFloat64(0, v);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    const around: number[] = [v];
    for (const d of [-1, 1]) {
      view.setUint32(0, hi);
      view.setUint32(4, (lo + d) >>> 0);
      around.push(view.getFloat64(0));
    }
    return around;
  };
  for (let e = -1074; e <= 1023; e++) values.push(...neighbours(2 ** e), 2 ** e * 1.5);
  for (let e = -323; e <= 308; e++) values.push(...neighbours(Number(`1e${e}`)), Number(`9.999999999999999e${e}`), Number(`1.2345678901234567e${e}`));
  assert.ok(checkAll(values) > 8000);
});

test('random bit patterns: every exponent, every kind of significand', () => {
  assert.ok(checkAll(fromBits(200_000, 0x5eed)) > 199_000);
});

test('values gauges hold: fractions of one, ratios, measured seconds and bytes', () => {
  const next = generator(42);
  const uniform = (): number => next() / 2 ** 32 + next() / 2 ** 64;
  const values: number[] = [];
  for (let i = 0; i < 50_000; i++) {
    values.push(uniform());
    values.push(uniform() * 10 ** ((next() % 40) - 20));
    values.push((next() % 1_000_000) / 10 ** (next() % 12));
    values.push((next() % 100_000) / ((next() % 999) + 1));
  }
  assert.equal(checkAll(values), 200_000);
});

test('writes only its own bytes, at the position asked, and returns the end', () => {
  for (const v of [-Number('0.0000012345678901234567'), -1.7976931348623157e308, 0.1, -5e-324, 7]) {
    out.fill(0xaa);
    DECIMAL_INPUT[0] = v;
    const end = writeShortestDecimal(out, 7);
    assert.equal(out.toString('latin1', 7, end), String(v));
    assert.ok(end - 7 <= 25, `${String(v)}: ${end - 7} bytes`);
    assert.ok(out.subarray(0, 7).every((b) => b === 0xaa));
    assert.ok(out.subarray(end).every((b) => b === 0xaa));
  }
});

test("writeValue: safe integers in String()'s bytes, every length, both signs, around every split at 1e8", () => {
  const values: number[] = [0, -0, 1, -1, 9, 10, 99, 100, 101, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, -(2 ** 31), 1e8 - 1, 1e8, 1e8 + 1, 1e15, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  // Either side of k·1e8, where the high and low parts split, up to the largest safe integer.
  for (let k = 21; k <= 90_071_992; k = Math.floor(k * 1.37) + 1) values.push(k * 1e8 - 1, k * 1e8, -(k * 1e8 - 1));
  const next = generator(7);
  for (let i = 0; i < 100_000; i++) {
    const digits = 1 + (next() % 16);
    const v = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(((next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53) * 10 ** digits));
    values.push(next() % 2 === 0 ? v : -v);
  }
  const wrong: string[] = [];
  for (const v of values) {
    out.fill(0xaa);
    const end = writeValue(out, 3, v);
    const got = out.toString('latin1', 3, end);
    if ((got !== String(v) || out[2] !== 0xaa || out[end] !== 0xaa) && wrong.length < 5) wrong.push(`${String(v)} written as ${got}`);
  }
  assert.deepEqual(wrong, []);
  assert.ok(values.length > 100_000);
});
