/**
 * Buffered bodies are joined into memory reused from render to render (src/server/render-memory.ts):
 * a body's memory must never be written by a later render while a response still reads it
 * (a slow reader, a client gone part way), on either backend; and what is idle is bounded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import client from 'prom-client';
import { Gauge, Registry } from '../../src/index.js';
import { MetricsServer } from '../../src/server/index.js';
import { RenderMemory } from '../../src/server/render-memory.js';
import { openRawGet, request, sleep } from './http-client.js';
import { slowGet as slowGetBody } from '../support/slow-get.js';

/** ~6 MB of body: more than a loopback socket takes in at once (~4.2 MB: 4 MiB send, 128 KiB receive buffer). */
const FILLER_SERIES = 80_000;
const LAST = String(FILLER_SERIES - 1);
const PAD = 'p'.repeat(40);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A body whose first and last filler series and a prom-client gauge carry the render's
 * generation: the gauge's collect() (once per render, when it is planned, before any family is
 * written) moves it on and sets both series. The filler is an atomic-exporter family (fast to
 * render); nothing else changes it.
 */
function generations(): { registry: Registry; promRegistry: client.Registry } {
  const registry = new Registry();
  const filler = new Gauge({ name: 'mmm_filler', help: 'h', labelNames: ['i', 'pad'], registers: [registry] });
  for (let i = 0; i < FILLER_SERIES; i++) filler.set({ i: String(i), pad: PAD }, i);
  const promRegistry = new client.Registry();
  let gen = 0;
  new client.Gauge({
    name: 'zzz_generation',
    help: 'h',
    registers: [promRegistry],
    collect() {
      this.set(++gen);
      filler.set({ i: '0', pad: PAD }, gen);
      filler.set({ i: LAST, pad: PAD }, gen);
    },
  });
  return { registry, promRegistry };
}

function checkBody(body: string): number {
  const first = new RegExp(`^mmm_filler\\{i="0",pad="${PAD}"\\} (\\d+)$`, 'm').exec(body)?.[1];
  const last = new RegExp(`^mmm_filler\\{i="${LAST}",pad="${PAD}"\\} (\\d+)$`, 'm').exec(body)?.[1];
  const gen = /^zzz_generation (\d+)$/m.exec(body)?.[1];
  assert.ok(first !== undefined && last !== undefined && gen !== undefined, 'the generation lines are there');
  assert.deepEqual([first, last], [gen, gen], 'every part of the body from the same render');
  assert.equal(body.split('\n').filter((l) => l.startsWith('mmm_filler{')).length, FILLER_SERIES);
  assert.ok(body.endsWith('\n'));
  return Number(gen);
}

/** The body as text, read slowly (see slow-get.ts). */
const slowGet = async (url: string, pauseMs: number): Promise<string> => (await slowGetBody(url, pauseMs)).toString();

for (const engine of ['uws', 'node'] as const) {
  describe(`joined bodies in reused memory (${engine})`, () => {
    let server: MetricsServer;
    let url: string;
    let port: number;

    before(async () => {
      const g = generations();
      // Bodies of ~6 MB joined too (the default stops at 4 MiB, which a loopback socket takes whole).
      server = new MetricsServer({ target: { registry: g.registry }, promClientRegistries: [g.promRegistry], engine, defaultMetrics: false, joinMaxBytes: 16 * 1024 * 1024, logger: quiet });
      ({ url, port } = await server.listen('127.0.0.1', 0));
      url += '/metrics';
    });
    after(async () => {
      await server.close(0);
    });

    it('slow readers get their own render whole while fast scrapes render again and again', async () => {
      let stop = false;
      const fastGens = new Set<number>();
      const fast = async (): Promise<void> => {
        while (!stop) {
          const r = await request(url);
          assert.equal(r.status, 200);
          fastGens.add(checkBody(r.body.toString()));
        }
      };
      const fasts = [fast(), fast(), fast()];
      const slow = await Promise.all([slowGet(url, 30), slowGet(url, 50), sleep(5).then(() => slowGet(url, 40))]);
      stop = true;
      await Promise.all(fasts);
      for (const body of slow) checkBody(body);
      // Renders went on while the slow ones read: the memory was reused meanwhile.
      assert.ok(fastGens.size >= 5, `${fastGens.size} renders seen by the fast scrapers`);
    });

    it('a client gone part way leaves the next scrapes whole', async () => {
      for (let i = 0; i < 5; i++) {
        const socket = await openRawGet(port, '/metrics');
        await new Promise<void>((resolve) => socket.once('data', () => resolve()));
        socket.destroy();
        const [a, b] = await Promise.all([request(url), slowGet(url, 10)]);
        checkBody(a.body.toString());
        checkBody(b);
      }
    });

    it('HEAD and gzip scrapes share the memory and answer as before', async () => {
      const [head, gz, plain] = await Promise.all([request(url, { method: 'HEAD' }), request(url, { headers: { 'accept-encoding': 'gzip' } }), request(url)]);
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.ok(Number(head.headers['content-length']) > FILLER_SERIES * 50);
      assert.equal(gz.headers['content-encoding'], 'gzip');
      const { gunzipSync } = await import('node:zlib');
      checkBody(gunzipSync(gz.body).toString());
      checkBody(plain.body.toString());
    });
  });
}

describe('RenderMemory', () => {
  it('gives a body back only once every reader released it, and reuses it', () => {
    const m = new RenderMemory(1 << 20, 1024);
    const { lease, done } = m.lease(3000);
    assert.equal(lease.body.length, 3000);
    const r1 = lease.retain();
    const r2 = lease.retain();
    done();
    r1();
    r1(); // a second call is ignored
    assert.equal(m.idleBytes, 0);
    r2();
    assert.ok(m.idleBytes >= 3000);
    assert.throws(() => lease.retain(), /released/);
    const again = m.lease(2900);
    assert.equal(again.lease.body.buffer, lease.body.buffer);
  });

  it('keeps at most its bound of idle chunks, only whole chunks of its size', () => {
    const m = new RenderMemory(4 * 1024, 1024);
    const chunks = Array.from({ length: 8 }, () => m.take(1024).subarray(0, 100));
    m.give([...chunks, Buffer.alloc(1024).subarray(10), Buffer.allocUnsafeSlow(2048)]);
    assert.equal(m.idleBytes, 4 * 1024);
    const t = m.take(1024);
    assert.equal(t.length, 1024);
    assert.ok(chunks.some((c) => c.buffer === t.buffer));
    assert.equal(m.take(1000).length, 1000);
  });
});
