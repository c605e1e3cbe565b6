/**
 * `--path.procfs` / `--path.sysfs` / `--path.rootfs` redirect every read: collectors pointed at
 * a folder report that folder's values, and a folder without the file ends the run with
 * NoDataError naming it (success 0, logged once by the runtime) instead of reading the real
 * /proc.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { NoDataError } from '../../src/collector/define.js';
import { collectText, loadCollector } from '../support/run-collector.js';
import { samples } from './fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'host-paths-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('--path.procfs', () => {
  it('meminfo reports the fake meminfo of the folder it is pointed at', async () => {
    const procfs = path.join(tmp, 'proc');
    mkdirSync(procfs);
    writeFileSync(path.join(procfs, 'meminfo'), 'MemTotal:        123456 kB\nMemFree:          4242 kB\nHugePages_Total:       7\n');
    const s = samples(await collectText(await loadCollector('meminfo'), { paths: { procfs } }));
    assert.deepEqual(
      [...s.entries()],
      [
        ['node_memory_MemTotal_bytes', 123456 * 1024],
        ['node_memory_MemFree_bytes', 4242 * 1024],
        ['node_memory_HugePages_Total', 7],
      ],
    );
  });
});

describe('an empty procfs/sysfs/rootfs: NoDataError naming the file, never the real /proc', () => {
  const empty = path.join(tmp, 'empty');
  mkdirSync(empty);
  const paths = { procfs: empty, sysfs: empty, rootfs: empty };
  const needsFiles = ['cpu', 'diskstats', 'entropy', 'filefd', 'filesystem', 'meminfo', 'netclass', 'netdev', 'netstat', 'os', 'pressure', 'sockstat', 'stat', 'vmstat'];

  for (const name of needsFiles) {
    it(name, async () => {
      const def = await loadCollector(name);
      await assert.rejects(collectText(def, { paths }), (err: unknown) => {
        assert.ok(err instanceof NoDataError, `${name}: ${String(err)}`);
        assert.ok(err.message.includes(empty), `${name}: message names the file: ${err.message}`);
        return true;
      });
    });
  }

  it('uname and time need no file and still report', async () => {
    const u = samples(await collectText(await loadCollector('uname'), { paths }));
    assert.equal([...u.keys()].filter((k) => k.includes('domainname="(none)"')).length, 1);
    const t = samples(await collectText(await loadCollector('time'), { paths }));
    assert.ok(t.has('node_time_seconds'));
    assert.equal([...t.keys()].some((k) => k.startsWith('node_time_clocksource')), false);
  });
});

describe('a file that exists but cannot be parsed is an error, not "no data"', () => {
  it('meminfo with garbage', async () => {
    const procfs = path.join(tmp, 'bad');
    mkdirSync(procfs);
    writeFileSync(path.join(procfs, 'meminfo'), 'MemTotal: lots kB\n');
    await assert.rejects(collectText(await loadCollector('meminfo'), { paths: { procfs } }), (err: unknown) => {
      assert.ok(err instanceof Error && !(err instanceof NoDataError));
      assert.match(err.message, /meminfo: invalid value in "MemTotal: lots kB"/);
      return true;
    });
  });
});
