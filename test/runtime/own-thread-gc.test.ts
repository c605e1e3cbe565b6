/** Whether node runs with --single-threaded-gc (src/runtime/own-thread-gc.ts), read from its command line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { singleThreadedGc } from '../../src/runtime/own-thread-gc.js';

describe('--single-threaded-gc', () => {
  it('is read from execArgv, in either spelling, implied by --single-threaded, the last word winning', () => {
    assert.equal(singleThreadedGc([]), false);
    assert.equal(singleThreadedGc(['--import', 'tsx']), false);
    assert.equal(singleThreadedGc(['--single-threaded-gc']), true);
    assert.equal(singleThreadedGc(['--single_threaded_gc']), true);
    assert.equal(singleThreadedGc(['--single-threaded']), true);
    assert.equal(singleThreadedGc(['--single-threaded-gc', '--no-single-threaded-gc']), false);
    assert.equal(singleThreadedGc(['--no-single-threaded-gc', '--single-threaded-gc']), true);
  });

  it('a process started with it sees it; one started without does not', () => {
    const url = new URL('../../src/runtime/own-thread-gc.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(url)}).then((m) => console.log(m.singleThreadedGc()))`;
    for (const [flags, expected] of [[['--single-threaded-gc'], 'true'], [[], 'false']] as const) {
      const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), expected, JSON.stringify(flags));
    }
  });
});
