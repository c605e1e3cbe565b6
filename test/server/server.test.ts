/**
 * The HTTP server, on both backends: uWebSockets.js and the node:http fallback must answer the
 * same requests the same way.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import client from 'prom-client';
import { Counter, Gauge, Registry } from '../../src/index.js';
import { MetricNameClashError, MetricsServer, type MetricsServerOptions, type ServerLogger } from '../../src/server/index.js';
import { requireBinary } from '../support/binaries.js';
import { openRawGet, readAll, request, sleep, text, waitUntil } from './http-client.js';

const ENGINES = ['uws', 'node'] as const;

function recordingLogger(): ServerLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

async function start(options: MetricsServerOptions): Promise<{ server: MetricsServer; url: string; port: number }> {
  const server = new MetricsServer({ logger: recordingLogger(), ...options });
  const { url, port } = await server.listen('127.0.0.1', 0);
  return { server, url, port };
}

/** A prom-client registry whose one gauge's collect() waits for `open()`: holds renders in flight. */
function gatedRegistry(): { registry: client.Registry; open(): void; collects(): number } {
  const registry = new client.Registry();
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  let collects = 0;
  new client.Gauge({
    name: 'gated_value',
    help: 'A value whose collection waits for the test.',
    registers: [registry],
    async collect() {
      collects++;
      await gate;
      this.set(1);
    },
  });
  return {
    registry,
    open: () => {
      release();
      gate = Promise.resolve();
    },
    collects: () => collects,
  };
}

for (const engine of ENGINES) {
  describe(`MetricsServer on ${engine}`, () => {
    const registry = new Registry();
    const requests = new Counter({ name: 'demo_requests_total', help: 'Requests.', labelNames: ['code'], registers: [registry] });
    requests.inc({ code: '200' }, 5);
    new Gauge({ name: 'demo_temperature_celsius', help: 'Temperature.', registers: [registry] }).set(21.5);
    let ready = false;
    let url = '';
    let server: MetricsServer;

    before(async () => {
      ({ server, url } = await start({ engine, target: { registry, ready: () => ready } }));
      assert.equal(server.engine, engine);
    });
    after(() => server.close());

    it('serves the text format by default, with our metrics, the self-metrics and prom-client default metrics', async () => {
      const r = await request(`${url}/metrics`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(r.headers['content-encoding'], undefined);
      assert.equal(Number(r.headers['content-length']), r.body.length);
      const body = r.body.toString();
      assert.match(body, /^demo_requests_total\{code="200"\} 5$/m);
      assert.match(body, /^demo_temperature_celsius 21.5$/m);
      assert.match(body, new RegExp(`^atomic_exporter_build_info\\{version="\\d+\\.\\d+\\.\\d+[^"]*",node_version="${process.version}"\\} 1$`, 'm'));
      assert.match(body, /^# TYPE atomic_exporter_scrape_render_seconds histogram$/m);
      assert.match(body, /^# TYPE process_cpu_user_seconds_total counter$/m);
      assert.match(body, /^nodejs_heap_size_used_bytes \d+/m);
      // one family per name
      const types = body.split('\n').filter((l) => l.startsWith('# TYPE '));
      assert.equal(new Set(types).size, types.length);
    });

    it('counts renders by format', async () => {
      const count = async (): Promise<number> => {
        const m = /^atomic_exporter_scrape_render_seconds_count\{format="openmetrics"\} (\d+)$/m.exec(await text(`${url}/metrics`));
        return m ? Number(m[1]) : 0;
      };
      const before = await count();
      await request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
      assert.equal(await count(), before + 1);
    });

    it("serves OpenMetrics when Accept asks for it, honouring q-values (Prometheus's header)", async () => {
      const om = await request(`${url}/metrics`, {
        headers: { accept: 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2' },
      });
      assert.equal(om.status, 200);
      assert.equal(om.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
      const body = om.body.toString();
      assert.match(body, /^# TYPE demo_requests counter$/m);
      assert.match(body, /^demo_requests_total\{code="200"\} 5$/m);
      assert.ok(body.endsWith('# EOF\n'));

      const preferText = await request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text;q=0.2,text/plain;q=0.8' } });
      assert.equal(preferText.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
      const refused = await request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text;q=0' } });
      assert.equal(refused.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    });

    it('gzips when Accept-Encoding allows it', async () => {
      const gz = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip, deflate' } });
      assert.equal(gz.status, 200);
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.match(gz.headers.vary ?? '', /Accept-Encoding/);
      assert.equal(Number(gz.headers['content-length']), gz.body.length);
      assert.match(gunzipSync(gz.body).toString(), /^demo_requests_total\{code="200"\} 5$/m);

      const omGz = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip', accept: 'application/openmetrics-text' } });
      assert.ok(gunzipSync(omGz.body).toString().endsWith('# EOF\n'));

      const no = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip;q=0, br' } });
      assert.equal(no.headers['content-encoding'], undefined);
      assert.match(no.body.toString(), /^demo_requests_total/m);
    });

    it('answers HEAD with the headers of GET and no body', async () => {
      const get = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
      const head = await request(`${url}/metrics`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.headers['content-type'], get.headers['content-type']);
      assert.equal(head.headers['content-encoding'], 'gzip');
      // The body differs from scrape to scrape (process metrics), its length only slightly.
      assert.ok(Math.abs(Number(head.headers['content-length']) - get.body.length) < 200);
      for (const path of ['/', '/-/healthy']) {
        const h = await request(`${url}${path}`, { method: 'HEAD' });
        assert.equal(h.status, 200);
        assert.equal(h.body.length, 0);
        assert.ok(Number(h.headers['content-length']) > 0);
      }
    });

    it('keeps a keep-alive connection usable after a HEAD', async () => {
      // uWS's endWithoutBody(length) left the connection waiting for a body: the next request
      // on it failed with "socket hang up".
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string): Promise<{ status: number; length: string | undefined; body: string }> =>
        new Promise((resolve, reject) => {
          const r = http.request(`${url}/-/healthy`, { method, agent }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'], body }));
          });
          r.on('error', reject);
          r.end();
        });
      try {
        const head = await send('HEAD');
        const get = await send('GET');
        const again = await send('HEAD');
        assert.equal(head.status, 200);
        assert.equal(get.status, 200);
        assert.equal(again.status, 200);
        assert.equal(head.body, '');
        assert.equal(Number(head.length), Buffer.byteLength(get.body));
      } finally {
        agent.destroy();
      }
    });

    it('has a landing page linking to the metrics and health', async () => {
      const r = await request(`${url}/`);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      const html = r.body.toString();
      assert.match(html, /<a href="\/metrics">/);
      assert.match(html, /<a href="\/-\/healthy">/);
      assert.match(html, /<a href="\/-\/ready">/);
    });

    it('reports health, and readiness from the target', async () => {
      assert.equal((await request(`${url}/-/healthy`)).status, 200);
      ready = false;
      const notReady = await request(`${url}/-/ready`);
      assert.equal(notReady.status, 503);
      assert.equal(notReady.body.toString(), 'Not ready.\n');
      ready = true;
      assert.equal((await request(`${url}/-/ready`)).status, 200);
    });

    it('answers 404 for other paths and 405 with Allow for other methods', async () => {
      for (const path of ['/nope', '/metrics/', '/metricsx', '/-/', '/favicon.ico']) {
        const r = await request(`${url}${path}`);
        assert.equal(r.status, 404, path);
      }
      assert.equal((await request(`${url}/metrics?x=1`)).status, 200);
      for (const [method, path] of [
        ['POST', '/metrics'],
        ['PUT', '/metrics'],
        ['DELETE', '/'],
        ['OPTIONS', '/-/healthy'],
        ['PATCH', '/-/ready'],
      ] as const) {
        const r = await request(`${url}${path}`, { method });
        assert.equal(r.status, 405, `${method} ${path}`);
        assert.equal(r.headers.allow, 'GET, HEAD');
      }
    });

    it('refuses a second server on the same port with EADDRINUSE', async () => {
      const other = new MetricsServer({ engine, target: { registry }, defaultMetrics: false, logger: recordingLogger() });
      const port = Number(new URL(url).port);
      await assert.rejects(other.listen('127.0.0.1', port), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'EADDRINUSE');
        assert.match(err.message, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
        return true;
      });
      await other.close();
    });
  });

  describe(`MetricsServer on ${engine}: concurrency`, () => {
    it('shares one render between concurrent scrapes of a format, and limits requests in flight with 503', async () => {
      const gated = gatedRegistry();
      const { server, url } = await start({ engine, target: { registry: new Registry() }, defaultMetrics: false, maxRequests: 3, promClientRegistries: [gated.registry] });
      try {
        const a = request(`${url}/metrics`);
        const b = request(`${url}/metrics`);
        const c = request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
        await waitUntil(() => server.inFlight === 3, 'three scrapes in flight');
        // Three in flight: the fourth is refused at once, whatever its format.
        const refused = await request(`${url}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
        assert.equal(refused.status, 503);
        assert.match(refused.body.toString(), /Limit of concurrent requests reached \(3\)/);
        // Health is not limited.
        assert.equal((await request(`${url}/-/healthy`)).status, 200);
        // text (a, b) shares one render; openmetrics (c) has its own.
        assert.equal(gated.collects(), 2);
        gated.open();
        const [ra, rb, rc] = await Promise.all([a, b, c]);
        assert.deepEqual([ra.status, rb.status, rc.status], [200, 200, 200]);
        assert.equal(ra.body.toString(), rb.body.toString());
        assert.match(ra.body.toString(), /^gated_value 1$/m);
        assert.equal(server.inFlight, 0);
        // After the renders finished, a scrape renders anew.
        await text(`${url}/metrics`);
        assert.equal(gated.collects(), 3);
      } finally {
        gated.open();
        await server.close();
      }
    });

    it('survives clients that hang up while their render is in flight', async () => {
      const gated = gatedRegistry();
      const { server, url, port } = await start({ engine, target: { registry: new Registry() }, defaultMetrics: false, promClientRegistries: [gated.registry] });
      try {
        const sockets = await Promise.all([openRawGet(port, '/metrics'), openRawGet(port, '/metrics', { 'accept-encoding': 'gzip' })]);
        await waitUntil(() => server.inFlight === 2, 'two scrapes in flight');
        for (const s of sockets) s.destroy();
        await waitUntil(() => server.inFlight === 0, 'no scrape in flight');
        gated.open();
        await sleep(20);
        assert.match(await text(`${url}/metrics`), /^gated_value 1$/m);
        assert.equal(server.inFlight, 0);
      } finally {
        gated.open();
        await server.close();
      }
    });

    it('writes a large body to a slow reader with backpressure, and survives a hang-up mid-body', async () => {
      const registry = new Registry();
      const g = new Gauge({ name: 'big_series', help: 'Many series.', labelNames: ['id', 'pad'], registers: [registry], maxSeries: 200_000 });
      const pad = 'x'.repeat(60);
      for (let i = 0; i < 100_000; i++) g.set({ id: String(i), pad }, i);
      const { server, url, port } = await start({ engine, target: { registry }, defaultMetrics: false });
      try {
        // A reader that does not read for a while: the server must wait for it, not buffer forever or drop it.
        const slow = await openRawGet(port, '/metrics');
        slow.pause();
        const done = readAll(slow);
        await sleep(300);
        assert.equal(server.inFlight, 1, 'the slow response is still being written');
        slow.resume();
        const { head, body } = await done;
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
        assert.ok(length > 8_000_000, `body of ${length} bytes`);
        assert.equal(body.length, length);
        // Byte for byte what the registry renders (then the self-metrics): nothing lost or repeated across drains.
        assert.ok(body.toString().startsWith(await registry.metrics()));
        assert.ok(body.toString('latin1', body.length - 100).endsWith('atomic_exporter_scrape_render_seconds histogram\n'));

        // Hang up after the first bytes.
        const quitter = await openRawGet(port, '/metrics');
        await new Promise<void>((resolve) => quitter.once('data', () => resolve()));
        quitter.destroy();
        await waitUntil(() => server.inFlight === 0, 'no scrape in flight');
        const again = await request(`${url}/metrics`);
        assert.equal(again.body.length, Number(again.headers['content-length']));
      } finally {
        await server.close();
      }
    });
  });

  describe(`MetricsServer on ${engine}: prom-client registries and hooks`, () => {
    it('serves added prom-client registries and refuses clashing names', async () => {
      const ours = new Registry();
      new Counter({ name: 'shared_name_total', help: 'ours', registers: [ours] });
      const app = new client.Registry();
      new client.Counter({ name: 'app_jobs_total', help: 'Jobs.', registers: [app] }).inc(4);
      const { server, url } = await start({ engine, target: { registry: ours }, promClientRegistries: [app] });
      try {
        assert.match(await text(`${url}/metrics`), /^app_jobs_total 4$/m);
        const clash = new client.Registry();
        new client.Gauge({ name: 'shared_name_total', help: 'theirs', registers: [clash] });
        assert.throws(() => server.addPromClientRegistry(clash, 'legacy'), MetricNameClashError);
        const late = new client.Registry();
        new client.Gauge({ name: 'late_gauge', help: 'Added after start.', registers: [late] }).set(2);
        server.addPromClientRegistry(late);
        assert.match(await text(`${url}/metrics`), /^late_gauge 2$/m);
      } finally {
        await server.close();
      }
      // default metrics clash with ours at construction
      const withProcess = new Registry();
      new Gauge({ name: 'process_open_fds', help: 'ours', registers: [withProcess] });
      assert.throws(() => new MetricsServer({ engine, target: { registry: withProcess } }), /metric name "process_open_fds" is exposed by both the atomic-exporter registry and prom-client registry 1 \(default process metrics\)/);
    });

    it('runs the request hook before routing (sync and async) and adds configured headers', async () => {
      const { server, url } = await start({
        engine,
        target: { registry: new Registry() },
        defaultMetrics: false,
        headers: { 'x-frame-options': 'deny' },
        onRequest: (req) => {
          if (req.headers.authorization === 'Bearer sync') return undefined;
          if (req.headers.authorization === 'Bearer async') return Promise.resolve(undefined);
          if (req.headers.authorization === 'Bearer throw') throw new Error('hook broke');
          return { status: 401, headers: { 'www-authenticate': 'Basic realm="atomic-exporter"' }, body: 'Unauthorized\n' };
        },
      });
      try {
        const denied = await request(`${url}/metrics`);
        assert.equal(denied.status, 401);
        assert.equal(denied.headers['www-authenticate'], 'Basic realm="atomic-exporter"');
        assert.equal(denied.headers['x-frame-options'], 'deny');
        assert.equal((await request(`${url}/metrics`, { headers: { authorization: 'Bearer sync' } })).status, 200);
        const viaAsync = await request(`${url}/metrics`, { headers: { authorization: 'Bearer async' } });
        assert.equal(viaAsync.status, 200);
        assert.equal(viaAsync.headers['x-frame-options'], 'deny');
        assert.equal((await request(`${url}/nope`, { headers: { authorization: 'Bearer async' } })).status, 404);
        assert.equal((await request(`${url}/`, { headers: { authorization: 'Bearer throw' } })).status, 500);
        assert.equal(server.inFlight, 0);
      } finally {
        await server.close();
      }
    });
  });
}

describe('MetricsServer engine choice', () => {
  it('falls back to node:http with one warning when uWebSockets.js cannot load, and serves the same', async () => {
    const logger = recordingLogger();
    const server = new MetricsServer({
      target: { registry: new Registry() },
      logger,
      loadUws: () => ({ ok: false, reason: 'uws_test.node did not load: simulated' }),
    });
    assert.equal(server.engine, 'node');
    const warnings = logger.lines.filter((l) => l.startsWith('warn'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /uWebSockets\.js is not available here; serving with node:http instead .*simulated/);
    const { url } = await server.listen('127.0.0.1', 0);
    assert.match(await text(`${url}/metrics`), /^atomic_exporter_build_info/m);
    await server.close();
    assert.throws(
      () => new MetricsServer({ engine: 'uws', defaultMetrics: false, loadUws: () => ({ ok: false, reason: 'simulated' }) }),
      /options\.engine is "uws" but simulated/,
    );
  });

  it('validates its options', () => {
    assert.throws(() => new MetricsServer({ metricsPath: 'metrics' }), /options\.metricsPath must be a path starting with "\/"/);
    assert.throws(() => new MetricsServer({ maxRequests: -1 }), /options\.maxRequests must be a non-negative integer/);
    assert.throws(() => new MetricsServer({ engine: 'fast' as never }), /options\.engine must be/);
  });

  it('serves HTTPS with a certificate on both engines (the slot for --web.config.file)', async (t) => {
    const openssl = requireBinary(t, 'openssl');
    if (!openssl) return;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ae-tls-'));
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const ca = readFileSync(certFile);
    try {
      for (const engine of ENGINES) {
        const { server, url } = await start({ engine, target: { registry: new Registry() }, defaultMetrics: false, tls: { certFile, keyFile } });
        try {
          assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
          const body = await new Promise<string>((resolve, reject) => {
            https.get(`${url}/metrics`, { ca, agent: false }, (res) => {
              let b = '';
              res.setEncoding('utf8').on('data', (c: string) => (b += c)).on('end', () => resolve(b));
            }).on('error', reject);
          });
          assert.match(body, /^atomic_exporter_build_info/m, engine);
        } finally {
          await server.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves a custom metrics path', async () => {
    const { server, url } = await start({ target: { registry: new Registry() }, defaultMetrics: false, metricsPath: '/custom/path' });
    try {
      assert.equal((await request(`${url}/custom/path`)).status, 200);
      assert.equal((await request(`${url}/metrics`)).status, 404);
      assert.match((await request(`${url}/`)).body.toString(), /<a href="\/custom\/path">/);
    } finally {
      await server.close();
    }
  });
});
