/**
 * Under an address-space limit (`ulimit -v`) the store's reservations fail: the command says
 * so in one line, with the limit, and exits 1, instead of V8's bare "Array buffer allocation
 * failed".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseAddressSpaceLimit, reservationError } from '../../src/store/address-space.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { COMMAND_NODE_FLAGS } from '../../src/cli/node-flags.js';
import { inCI, requireBinary } from '../support/binaries.js';
import { REPO } from '../cli/cli-process.js';

// The built command (`npm test` builds it first), as `npm start` runs it: under tsx, tsx's own
// WebAssembly lexers (~10 GiB of address space each) fail before the store is reached.
const BUILT_CLI = path.join(REPO, 'dist/src/cli.js');

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max address space         8192000000           unlimited            bytes
Max file locks            unlimited            unlimited            locks
`;

describe('address-space limit', () => {
  it('reads the soft limit from /proc/<pid>/limits', () => {
    assert.equal(parseAddressSpaceLimit(LIMITS), 8_192_000_000);
    assert.equal(parseAddressSpaceLimit(LIMITS.replace('8192000000  ', 'unlimited   ')), undefined);
    assert.equal(parseAddressSpaceLimit('Max cpu time unlimited unlimited seconds\n'), undefined);
  });

  it('a failed reservation names the limit, or the cause when there is none', () => {
    const cause = new RangeError('Array buffer allocation failed');
    const limited = reservationError(2 ** 32, cause, 8 * 2 ** 30);
    assert.match(limited.message, /could not reserve 4\.0 GiB of address space for the metric store \(the process's address-space limit \(ulimit -v\) is 8\.0 GiB\)/);
    assert.equal(limited.cause, cause);
    assert.match(reservationError(2 ** 32, cause, undefined).message, /could not reserve 4\.0 GiB .*\(Array buffer allocation failed\)/);
  });

  it('the command under `prlimit --as` exits 1 with one line saying why', async (t) => {
    const prlimit = requireBinary(t, 'prlimit');
    if (!prlimit) return;
    if (!existsSync(BUILT_CLI)) {
      if (inCI()) throw new Error(`${BUILT_CLI} is missing: npm test builds it first`);
      return t.skip(`${BUILT_CLI} is missing: run npm run build`);
    }
    // 8 GiB: node starts (it takes ~1 GiB), a store's 4 GiB buffers do not all fit.
    const child = spawn(prlimit, [`--as=${8 * 2 ** 30}`, '--', process.execPath, ...COMMAND_NODE_FLAGS, BUILT_CLI, '--web.listen-address=127.0.0.1:0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 1, out);
    const errors = out.split('\n').filter((l) => l.includes('level=error'));
    assert.equal(errors.length, 1, out);
    assert.match(errors[0]!, /could not start.*could not reserve 4\.0 GiB of address space for the metric store \(the process's address-space limit \(ulimit -v\) is 8\.0 GiB\)/);
  });
});
