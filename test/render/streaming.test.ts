/**
 * The server with the render path: a big body is streamed (chunked, no Content-Length) and is
 * the same bytes as the string renderer's; gzip streams too; scrapes that arrive together share
 * one render; HEAD still has a length; a committed family is reused between scrapes while its
 * version is unchanged. On both HTTP engines. Small bodies keep a Content-Length (server tests).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Gauge, Registry } from '../../src/index.js';
import { renderText } from '../../src/exposition/text.js';
import { familyDefinitionOf } from '../../src/runtime/spec.js';
import { MetricsServer } from '../../src/server/server.js';
import { SharedRenders } from '../../src/server/shared-render.js';
import { slowGet } from '../support/slow-get.js';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const SERIES = 30_000;

for (const engine of ['uws', 'node'] as const) {
  describe(`streamed /metrics on ${engine}`, () => {
    let server: MetricsServer;
    let url: string;
    const registry = new Registry();
    const store = registry.store;
    const f = store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'big_family', help: 'A family rendered in slices.', labelNames: ['i', 'note'] }));

    before(async () => {
      store.markCommitted(f);
      for (let i = 0; i < SERIES; i++) store.setCommon(store.cellOf(store.resolve(f, `i="${i}",note="ü \\"q\\""`)), i % 97);
      new Gauge({ name: 'small_instrumented', help: 'h', registers: [registry] }).set(3);
      server = new MetricsServer({ target: { registry }, engine, defaultMetrics: false, streamLines: 1000, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      url = (await server.listen('127.0.0.1', 0)).url + '/metrics';
    });

    after(async () => {
      await server.close(0);
    });

    const expected = (): string => renderText(registry.snapshotsNow().filter((x) => x.name !== 'atomic_exporter_build_info' && !x.name.startsWith('atomic_exporter_scrape')));

    it('sends a big body chunked, the same bytes as the string renderer', async () => {
      const r = await get(url);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-length'], undefined);
      assert.equal(r.headers['transfer-encoding'], 'chunked');
      const text = r.body.toString();
      // The registry's families come first, then the server's self-metrics.
      assert.ok(text.startsWith(expected()), 'same bytes as renderText');
      assert.equal(text.split('\n').filter((l) => l.startsWith('big_family{')).length, SERIES);
    });

    it('streams gzip as one member', async () => {
      const r = await get(url, { 'accept-encoding': 'gzip' });
      assert.equal(r.headers['content-encoding'], 'gzip');
      assert.ok(gunzipSync(r.body).toString().startsWith(expected()));
    });

    it('HEAD has the length of the body', async () => {
      const head = await get(url, {}, 'HEAD');
      const body = await get(url);
      assert.ok(Math.abs(Number(head.headers['content-length']) - body.body.length) < 300);
    });

    it('scrapes that arrive during a render share it', async () => {
      // A plan that takes a while: scrapes arriving meanwhile (other I/O polls) join the render.
      let renders = 0;
      const shared = new SharedRenders(
        async () => {
          await new Promise((r) => setTimeout(r, 30));
          return registry.renderPlan();
        },
        () => renders++,
        { streamLines: 1000 },
      );
      const read = async (p: Promise<Awaited<ReturnType<SharedRenders['get']>>>): Promise<number> => {
        const r = await p;
        assert.ok('stream' in r);
        let lines = 0;
        for (let c = await r.stream.next(); c !== undefined; c = await r.stream.next()) lines += c.toString().split('\n').length - 1;
        return lines;
      };
      const all: Promise<number>[] = [];
      for (let i = 0; i < 4; i++) {
        all.push(read(shared.get('text', 'identity')));
        await new Promise((r) => setTimeout(r, 5));
      }
      const lines = await Promise.all(all);
      assert.equal(renders, 1);
      assert.ok(lines.every((n) => n === lines[0] && n > SERIES));
    });

    it('a reader that keeps stopping (the socket full, the server under backpressure) gets every byte, framed right', async () => {
      // A body bigger than the kernel's socket buffers, read with a pause of 40 ms every 512 KiB:
      // the server's writes meet backpressure again and again, and its 10 ms wait runs out while
      // the socket is still full. (The uWS data loss CORK_SAFE_BYTES in uws-backend.ts avoids
      // needs the socket to fill up exactly at a write: this test does not make it happen; the
      // 3-reader stress in the #7 notes did, about once in 500 scrapes.)
      const big = new Registry();
      const bf = big.store.declareFamily(familyDefinitionOf({ type: 'gauge', name: 'wide_family', help: 'h', labelNames: ['i', 'pad'] }));
      for (let i = 0; i < 250_000; i++) big.store.setCommon(big.store.cellOf(big.store.resolve(bf, `i="${i}",pad="${'p'.repeat(40)}"`)), i);
      const bigServer = new MetricsServer({ target: { registry: big }, engine, defaultMetrics: false, streamLines: 1000, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      const bigUrl = (await bigServer.listen('127.0.0.1', 0)).url + '/metrics';
      try {
        const body = await slowGet(bigUrl, 40, 512 * 1024);
        const lines = body.toString().split('\n').filter((l) => l.startsWith('wide_family{'));
        assert.equal(lines.length, 250_000);
        assert.equal(lines[249_999], `wide_family{i="249999",pad="${'p'.repeat(40)}"} 249999`);
      } finally {
        await bigServer.close(0);
      }
    });

    it('reuses the committed family until it is touched', async () => {
      store.setCommon(store.cellOf(store.resolve(f, 'i="0",note="ü \\"q\\""')), 12345);
      assert.doesNotMatch((await get(url)).body.toString(), /^big_family\{i="0",.*\} 12345$/m);
      store.touchFamily(f);
      assert.match((await get(url)).body.toString(), /^big_family\{i="0",.*\} 12345$/m);
    });
  });
}
