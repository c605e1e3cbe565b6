/**
 * V8's parallel scavenges (src/runtime/scavenge.ts): a runtime that pins threads turns them off
 * unless told to keep them; one that pins nothing leaves them alone unless told otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { wantsSerialScavenges } from '../../src/runtime/scavenge.js';

describe('parallel scavenges', () => {
  it('off by default only with a CPU affinity; the option decides otherwise', () => {
    assert.equal(wantsSerialScavenges(undefined, true), true);
    assert.equal(wantsSerialScavenges(undefined, false), false);
    assert.equal(wantsSerialScavenges(true, true), false);
    assert.equal(wantsSerialScavenges(false, false), true);
  });

  it('serialScavenges() makes V8 scavenge without its helper threads, in a running process', () => {
    // --trace-gc-nvp prints, per scavenge, the time helper threads spent on it.
    const helperTime = (serial: boolean): number[] => {
      // Scavenges before the marker (tsx compiling) ran before the flag was set.
      const code = `${serial ? '(await import(process.argv[1])).serialScavenges();' : ''} console.log('MARK');
        let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ a: i, b: [i] }); if (keep.length > 100000) keep = []; }`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--trace-gc-nvp', '--input-type=module', '-e', code, new URL('../../src/runtime/scavenge.ts', import.meta.url).pathname], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return [...r.stdout.slice(r.stdout.indexOf('MARK')).matchAll(/background\.scavenge\.parallel=([\d.]+)/g)].map((m) => Number(m[1]));
    };
    const parallel = helperTime(false);
    const serial = helperTime(true);
    assert.ok(parallel.length > 0 && serial.length > 0, 'no scavenge traced');
    assert.ok(parallel.some((t) => t > 0), `helpers never scavenged by default: ${parallel.join(',')}`);
    assert.deepEqual(
      serial.filter((t) => t > 0),
      [],
    );
  });
});
