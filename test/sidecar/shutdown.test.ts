/**
 * SIGTERM and SIGINT, as a container runtime sends them: the exporter stops accepting, lets the
 * scrape in flight finish (a multi-megabyte scrape read slowly by the test), runs its shutdown
 * hooks, stops the collector pool and exits 0 within 5 s; a second signal exits at once.
 */
import assert from 'node:assert/strict';
import type net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { shutdown, type ShutdownHook } from '../../src/cli/shutdown.js';
import { createLogger } from '../../src/cli/log.js';
import { openRawGet, request, sleep, waitUntil } from '../server/http-client.js';
import { REPO, startExporter } from '../cli/cli-process.js';
import { startPushgateway } from '../support/pushgateway.js';

const FIXTURE_PROC = path.join(REPO, 'test/fixtures/sidecar/host/proc');
const BIG = ['--collector.disable-defaults', '--collectors.dir=test/fixtures/sidecar/collectors', '--collector.big'];

type Exporter = Awaited<ReturnType<typeof startExporter>>;

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const r = await fetch(`${url}/-/ready`).catch(() => undefined);
    if (r?.status === 200) return;
    await sleep(50);
  }
  throw new Error(`${url}/-/ready did not answer 200`);
}

/** A /metrics request whose reader stops after the first bytes, so the response stays in flight. */
async function stalledScrape(port: number): Promise<{ socket: net.Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = await openRawGet(port, '/metrics');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  await waitUntil(() => chunks.length > 0, 'the first bytes of the scrape', 20_000);
  socket.pause();
  await sleep(300); // the socket buffers fill up; the server now waits for the reader
  return { socket, received: () => Buffer.concat(chunks), closed };
}

async function waitExit(p: Exporter, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await waitUntil(() => !p.running, `exporter pid ${p.pid} to exit`, timeoutMs);
  return Date.now() - start;
}

function httpResponse(raw: Buffer): { head: string; body: Buffer } {
  const end = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, end).toString(), body: raw.subarray(end + 4) };
}

describe('shutdown on signals', () => {
  for (const engine of ['uws', 'node'] as const) {
    it(`SIGTERM during a scrape (${engine}): stops accepting, the scrape completes, exit 0 within 5 s`, async () => {
      const ex = await startExporter([...BIG, `--web.engine=${engine}`]);
      try {
        await waitReady(ex.url);
        const scrape = await stalledScrape(ex.port);
        const sent = Date.now();
        process.kill(ex.pid, 'SIGTERM');
        await sleep(400);
        assert.ok(ex.running, 'still running: the scrape is in flight');
        await assert.rejects(request(`${ex.url}/-/healthy`), /ECONNREFUSED/, 'no new connections once the signal came');
        scrape.socket.resume();
        await scrape.closed;
        const { head, body } = httpResponse(scrape.received());
        assert.match(head, /^HTTP\/1\.1 200/);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
        assert.ok(length > 8_000_000, `a big scrape (${length} bytes)`);
        assert.equal(body.length, length, 'the whole body arrived');
        assert.ok(body.includes('sidecar_big_value{id="99999",pad="xxx'), 'the last series is there');
        assert.ok(body.includes('\natomic_exporter_build_info{'), 'and the families after it');
        await waitExit(ex, 6000);
        assert.equal(ex.exitCode, 0, ex.output());
        assert.ok(Date.now() - sent < 5000, `exited ${Date.now() - sent} ms after SIGTERM`);
        assert.match(ex.output(), /msg="Shutting down" signal=SIGTERM/);
        assert.match(ex.output(), /msg="Finished requests in flight" requests=1 /);
        assert.match(ex.output(), /msg=Stopped/);
      } finally {
        await ex.stop();
      }
    });
  }

  it('a second SIGTERM exits at once', async () => {
    const ex = await startExporter(BIG);
    try {
      await waitReady(ex.url);
      const scrape = await stalledScrape(ex.port);
      process.kill(ex.pid, 'SIGTERM');
      await sleep(300);
      assert.ok(ex.running, 'draining the scrape');
      process.kill(ex.pid, 'SIGTERM');
      const ms = await waitExit(ex, 2000);
      assert.ok(ms < 1000, `exited ${ms} ms after the second signal`);
      assert.equal(ex.exitCode, 1);
      assert.match(ex.output(), /level=warn msg="Second signal: exiting now" signal=SIGTERM/);
      scrape.socket.destroy();
    } finally {
      await ex.stop();
    }
  });

  it('a scrape that never finishes is cut: still exit 0 within 5 s', async () => {
    const ex = await startExporter(BIG);
    try {
      await waitReady(ex.url);
      const scrape = await stalledScrape(ex.port);
      const sent = Date.now();
      process.kill(ex.pid, 'SIGTERM');
      await waitExit(ex, 6000);
      assert.equal(ex.exitCode, 0, ex.output());
      const ms = Date.now() - sent;
      assert.ok(ms < 5000 && ms > 2500, `exited ${ms} ms after SIGTERM (the drain waits 3 s)`);
      scrape.socket.destroy();
    } finally {
      await ex.stop();
    }
  });

  it('pushes once more at SIGTERM when pushing is configured (--push.interval), then exits 0', async (t) => {
    const gateway = await startPushgateway(t);
    if (!gateway) return;
    // An interval far away: the only push is the one at shutdown.
    const ex = await startExporter(['--collector.disable-defaults', '--collector.meminfo', `--path.procfs=${FIXTURE_PROC}`, '--push.interval=1h', `--gateway.url=${gateway.url}`, '--job=sidecar-test', '--grouping=instance=pod-1']);
    try {
      await waitReady(ex.url);
      assert.doesNotMatch(await (await fetch(`${gateway.url}/metrics`)).text(), /job="sidecar-test"/, 'nothing pushed yet');
      const sent = Date.now();
      process.kill(ex.pid, 'SIGTERM');
      await waitExit(ex, 6000);
      assert.equal(ex.exitCode, 0, ex.output());
      assert.ok(Date.now() - sent < 5000);
      assert.match(ex.output(), /msg="Shutdown hook done" hook=push/);
      const pushed = await (await fetch(`${gateway.url}/metrics`)).text();
      assert.match(pushed, /^node_memory_MemTotal_bytes\{instance="pod-1",job="sidecar-test"\} 1\.264196608e\+09$/m, 'the last push carries the values');
    } finally {
      await ex.stop();
      await gateway.stop();
    }
  });

  it('SIGINT stops an idle exporter at once, with status 0', async () => {
    const ex = await startExporter(['--collector.disable-defaults', '--collector.meminfo']);
    try {
      const sent = Date.now();
      process.kill(ex.pid, 'SIGINT');
      await waitExit(ex, 5000);
      assert.equal(ex.exitCode, 0, ex.output());
      assert.ok(Date.now() - sent < 2000, `exited ${Date.now() - sent} ms after SIGINT`);
      assert.match(ex.output(), /msg="Shutting down" signal=SIGINT/);
    } finally {
      await ex.stop();
    }
  });
});

describe('shutdown steps', () => {
  const quiet = createLogger('error', 'logfmt', { write: () => {} });

  it('drains, then runs the hooks (the last push), then stops the collectors', async () => {
    const events: string[] = [];
    let inFlight = 1;
    const hook: ShutdownHook = {
      name: 'push',
      run: async (signal) => {
        events.push(`push (in flight: ${inFlight}, aborted: ${signal.aborted})`);
        await sleep(50);
      },
    };
    await shutdown({
      server: {
        get inFlight() {
          return inFlight;
        },
        close: async (graceMs) => {
          events.push(`close ${graceMs}`);
          await sleep(100);
          inFlight = 0;
        },
      },
      runtime: { stop: async () => void events.push('runtime.stop') },
      logger: quiet,
      shutdownHooks: [hook],
    });
    assert.deepEqual(events, ['close 3000', 'push (in flight: 0, aborted: false)', 'runtime.stop']);
  });

  it('keeps to the budget: a hook that overruns is aborted, a pool that hangs is left behind', async () => {
    let hookSignal: AbortSignal | undefined;
    const start = Date.now();
    await shutdown(
      {
        server: { inFlight: 0, close: async () => {} },
        runtime: { stop: () => new Promise<void>(() => {}) },
        logger: quiet,
        shutdownHooks: [
          {
            name: 'slow',
            run: (signal) => {
              hookSignal = signal;
              return new Promise<void>(() => {});
            },
          },
          { name: 'failing', run: () => Promise.reject(new Error('boom')) },
        ],
      },
      { totalMs: 600, marginMs: 100 },
    );
    const ms = Date.now() - start;
    assert.ok(ms >= 450 && ms < 650, `took ${ms} ms for a 600 ms budget`);
    assert.equal(hookSignal?.aborted, true);
  });
});
