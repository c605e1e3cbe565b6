import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatLeText,
  formatOpenMetricsNumber,
  formatSampleValue,
} from '../../src/exposition/index.js';

/** Reads a number the way Prometheus's parsers do (Go ParseFloat accepts `+Inf`, `NaN`). */
function parseNumber(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

describe('formatSampleValue', () => {
  it('uses JavaScript shortest round-trip digits, as prom-client does', () => {
    assert.equal(formatSampleValue(0), '0');
    assert.equal(formatSampleValue(-0), '0');
    assert.equal(formatSampleValue(42), '42');
    assert.equal(formatSampleValue(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatSampleValue(1e21), '1e+21');
    assert.equal(formatSampleValue(1.5e-7), '1.5e-7');
    assert.equal(formatSampleValue(-3.25), '-3.25');
  });

  it('spells the non-finite values as Prometheus does', () => {
    assert.equal(formatSampleValue(NaN), 'NaN');
    assert.equal(formatSampleValue(Infinity), '+Inf');
    assert.equal(formatSampleValue(-Infinity), '-Inf');
  });

  it('round-trips every double', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        assert.ok(Object.is(parseNumber(formatSampleValue(v)), Object.is(v, -0) ? 0 : v));
      }),
    );
  });
});

describe('formatOpenMetricsNumber (canonical le/quantile)', () => {
  it('matches the spec examples for 0.0 to 10.0', () => {
    const cases: Array<[number, string]> = [
      [0, '0.0'], [0.001, '0.001'], [0.002, '0.002'], [0.01, '0.01'], [0.1, '0.1'],
      [0.9, '0.9'], [0.95, '0.95'], [0.99, '0.99'], [0.999, '0.999'], [1, '1.0'],
      [1.7, '1.7'], [10, '10.0'],
    ];
    for (const [v, s] of cases) assert.equal(formatOpenMetricsNumber(v), s, `for ${v}`);
  });

  it('matches the spec examples for powers of ten', () => {
    const cases: Array<[number, string]> = [
      [1e-10, '1e-10'], [1e-9, '1e-09'], [1e-5, '1e-05'], [1e-4, '0.0001'], [0.1, '0.1'],
      [1, '1.0'], [1e5, '100000.0'], [1e6, '1e+06'], [1e10, '1e+10'],
      [1e23, '1e+23'], [1.1e23, '1.1e+23'],
    ];
    for (const [v, s] of cases) assert.equal(formatOpenMetricsNumber(v), s, `for ${v}`);
  });

  it('writes every step of 0.001 from 0 to 10 with at most three decimals', () => {
    for (let i = 0; i <= 10000; i++) {
      const whole = Math.floor(i / 1000);
      const frac = String(i % 1000).padStart(3, '0').replace(/0+$/, '');
      const expected = `${whole}.${frac === '' ? '0' : frac}`;
      assert.equal(formatOpenMetricsNumber(i / 1000), expected);
    }
  });

  it('spells infinities and NaN', () => {
    assert.equal(formatOpenMetricsNumber(Infinity), '+Inf');
    assert.equal(formatOpenMetricsNumber(-Infinity), '-Inf');
    assert.equal(formatOpenMetricsNumber(NaN), 'NaN');
    assert.equal(formatOpenMetricsNumber(-1), '-1.0');
    assert.equal(formatOpenMetricsNumber(-0), '0.0');
  });

  it('is always a float that round-trips', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (v) => {
        const s = formatOpenMetricsNumber(v);
        if (Number.isFinite(v)) {
          assert.match(s, /^-?\d+(\.\d+)?(e[+-]\d{2,3})?$/);
          assert.ok(s.includes('.') || s.includes('e'), s);
        }
        assert.equal(parseNumber(s), Object.is(v, -0) ? 0 : v);
      }),
    );
  });
});

describe('formatLeText (text format le/quantile, client_golang style)', () => {
  it('writes Go %g without a forced .0', () => {
    const cases: Array<[number, string]> = [
      [0, '0'], [0.005, '0.005'], [0.1, '0.1'], [0.5, '0.5'], [1, '1'], [2.5, '2.5'],
      [10, '10'], [1e-5, '1e-05'], [1e5, '100000'], [1e6, '1e+06'], [1234567, '1.234567e+06'],
      [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'],
    ];
    for (const [v, s] of cases) assert.equal(formatLeText(v), s, `for ${v}`);
  });

  it('round-trips every double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (v) => {
        assert.equal(parseNumber(formatLeText(v)), Object.is(v, -0) ? 0 : v);
      }),
    );
  });
});
