/**
 * `--path.procfs`, `--path.sysfs`, `--path.rootfs` (node_exporter's flags): a DaemonSet mounts
 * the host under /host and names it with these; every collector must read from there. Here they
 * point at a fixture host with a fake meminfo, clocksource and os-release, reported as such.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, startExporter } from '../cli/cli-process.js';
import { sleep } from '../server/http-client.js';

const HOST = path.join(REPO, 'test/fixtures/sidecar/host');

/**
 * Scrapes until every pattern matches (collectors run on their own schedule; a first scrape may
 * come before a collector's first run), or fails naming the patterns missing.
 */
async function scrapeUntil(url: string, patterns: readonly RegExp[], timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let body = '';
  while (Date.now() < deadline) {
    body = await (await fetch(`${url}/metrics`)).text();
    if (patterns.every((re) => re.test(body))) return body;
    await sleep(100);
  }
  const missing = patterns.filter((re) => !re.test(body));
  throw new Error(`${url}/metrics after ${timeoutMs} ms lacks ${missing.join(', ')}:\n${body.split('\n').filter((l) => /^node_/.test(l)).join('\n').slice(0, 3000)}`);
}

describe('host paths', () => {
  it('--path.procfs: meminfo comes from the folder given, not from /proc', async () => {
    const ex = await startExporter(['--collector.disable-defaults', '--collector.meminfo', `--path.procfs=${path.join(HOST, 'proc')}`]);
    try {
      // 1234567 kB, 654321 kB and 7 from the fixture.
      // The run's success is recorded by the main thread when the run's result arrives, just
      // after its values are in the store: a scrape in between sees the values first.
      const body = await scrapeUntil(ex.url, [
        /^node_memory_MemTotal_bytes 1264196608$/m,
        /^node_memory_MemFree_bytes 670024704$/m,
        /^node_memory_HugePages_Total 7$/m,
        /^atomic_exporter_collector_success\{collector="meminfo"\} 1$/m,
      ]);
      // Only the fields the fixture has: not the dozens of the real /proc/meminfo.
      assert.doesNotMatch(body, /^node_memory_Slab_bytes/m);
      const real = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
      assert.notEqual(Number(real) * 1024, 1264196608, 'the fixture differs from this machine');
    } finally {
      await ex.stop();
    }
  });

  it('--path.sysfs and --path.rootfs reach the collectors too', async () => {
    const ex = await startExporter([
      '--collector.disable-defaults',
      '--collector.time',
      '--collector.os',
      `--path.procfs=${path.join(HOST, 'proc')}`,
      `--path.sysfs=${path.join(HOST, 'sys')}`,
      `--path.rootfs=${path.join(HOST, 'root')}`,
    ]);
    try {
      await scrapeUntil(ex.url, [
        /^node_time_clocksource_current_info\{device="0",clocksource="fixturesrc"\} 1$/m,
        /^node_os_info\{[^}]*name="Sidecar Fixture OS"[^}]*\} 1$/m,
        /^node_os_version\{id="sidecarfixture",[^}]*\} 42\.1$/m,
      ]);
    } finally {
      await ex.stop();
    }
  });
});
