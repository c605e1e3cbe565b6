import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePressure } from '../../src/host/pressure.js';
import { fixtureText } from './fixtures.js';

describe('parsePressure', () => {
  it('reads some and full lines with totals in microseconds', () => {
    const io = parsePressure(fixtureText('proc', 'pressure', 'io'), 'io');
    assert.deepEqual(io.some, { avg10: 0, avg60: 0.01, avg300: 0, total: 1377574 });
    assert.equal(io.full?.total, 1126741);
  });

  it('accepts a cpu file without a full line (kernels before 5.13)', () => {
    const cpu = parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n', 'cpu');
    assert.equal(cpu.some?.total, 5);
    assert.equal(cpu.full, undefined);
  });

  it('rejects a line without total or with a malformed pair', () => {
    assert.throws(() => parsePressure('some avg10=1\n', 'cpu'), /no total/);
    assert.throws(() => parsePressure('some avg10\n', 'cpu'), /malformed "avg10"/);
  });
});
