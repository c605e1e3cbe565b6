/**
 * The test helpers against the real binaries: promtool, Prometheus, the Pushgateway, node_exporter.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { findBinary, requireBinary } from './binaries.js';
import { startNodeExporter } from './node-exporter.js';
import { freePort, isLoopbackHost } from './ports.js';
import { startProcess } from './process.js';
import { startPrometheus } from './prometheus.js';
import { checkMetrics } from './promtool.js';
import { startPushgateway } from './pushgateway.js';

const VALID = [
  '# HELP harness_requests_total Requests seen by the harness.',
  '# TYPE harness_requests_total counter',
  'harness_requests_total{path="/a"} 42',
  '# HELP harness_temperature_celsius A gauge.',
  '# TYPE harness_temperature_celsius gauge',
  'harness_temperature_celsius 21.5',
  '',
].join('\n');

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve(addr.port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

test('findBinary / requireBinary', () => {
  const node = findBinary('node', [process.execPath]);
  assert.equal(node, process.execPath);
  assert.equal(findBinary('atomic-exporter-no-such-binary'), undefined);

  const skipped: string[] = [];
  const fake = { skip: (m?: string) => void skipped.push(m ?? '') };
  const saved = process.env.CI;
  try {
    process.env.CI = 'false';
    assert.equal(requireBinary(fake, 'atomic-exporter-no-such-binary'), undefined);
    assert.match(skipped[0] ?? '', /^atomic-exporter-no-such-binary not installed: /);
    process.env.CI = 'true';
    assert.throws(() => requireBinary(fake, 'atomic-exporter-no-such-binary'), /not installed.*CI=true/s);
    assert.equal(skipped.length, 1);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test('freePort gives a bindable loopback port', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  const server = http.createServer();
  assert.equal(await new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve(port))), port);
  await close(server);
  assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('[::1]') && isLoopbackHost('localhost'));
  assert.ok(!isLoopbackHost('10.0.0.1') && !isLoopbackHost('example.com'));
});

test('startProcess: early exit reports output, stop() ends a running process', async () => {
  await assert.rejects(
    startProcess(process.execPath, ['-e', 'console.error("boom on stderr"); process.exit(3)'], {
      readyUrl: `http://127.0.0.1:${await freePort()}/`,
      readyTimeoutMs: 10_000,
    }),
    /exited \(code 3.*boom on stderr/s,
  );
  await assert.rejects(startProcess('/nonexistent/atomic-exporter-binary', []), /could not start/);

  // ignores SIGTERM: stop() must fall back to SIGKILL
  const stubborn = await startProcess(
    process.execPath,
    ['-e', 'process.on("SIGTERM", () => console.log("ignoring TERM")); console.log("up"); setInterval(() => {}, 1000)'],
    { stopTimeoutMs: 500 },
  );
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(stubborn.running);
  await stubborn.stop();
  assert.equal(stubborn.running, false);
  assert.match(stubborn.output(), /up/);
  assert.throws(() => process.kill(stubborn.pid, 0), /ESRCH/);
});

test('promtool check metrics: accepts a valid exposition, reports an invalid one', async (t) => {
  const promtool = requireBinary(t, 'promtool');
  if (!promtool) return;

  const ok = await checkMetrics(promtool, VALID);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.deepEqual(ok.problems, []);

  const lint = await checkMetrics(promtool, '# TYPE harness_things counter\nharness_things 1\n');
  assert.notEqual(lint.exitCode, 0);
  assert.ok(lint.problems.some((p) => /_total/.test(p)), lint.problems.join('\n'));

  const broken = await checkMetrics(promtool, 'harness_broken{a="b} 1\n');
  assert.notEqual(broken.exitCode, 0);
  assert.ok(broken.problems.some((p) => /pars/i.test(p)), broken.problems.join('\n'));
});

test('Prometheus scrapes a node:http target and answers PromQL', async (t) => {
  let scrapes = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(VALID);
    } else {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server);
  t.after(() => close(server));

  const prom = await startPrometheus(t, {
    scrapeTargets: [{ job: 'harness', target: `127.0.0.1:${port}`, scrapeIntervalS: 1 }],
  });
  if (!prom) return;
  t.after(() => prom.stop());

  const up = await prom.waitFor('up{job="harness"}', (s) => s.length === 1, 20_000);
  assert.equal(up[0]?.value, 1);
  assert.equal(up[0]?.metric.instance, `127.0.0.1:${port}`);

  const counter = await prom.query('harness_requests_total{job="harness"}');
  assert.equal(counter.length, 1);
  assert.equal(counter[0]?.value, 42);
  assert.equal(counter[0]?.metric.path, '/a');

  const scalar = await prom.query('scalar(harness_temperature_celsius) * 2');
  assert.equal(scalar[0]?.value, 43);
  assert.ok(scrapes >= 1);

  const targets = await prom.targets();
  assert.deepEqual(
    targets.map((x) => [x.job, x.health]),
    [['harness', 'up']],
  );
  await assert.rejects(prom.query('sum('), /bad_data/);
});

test('Pushgateway with bcrypt basic auth: PUT with the password is accepted, without it 401', async (t) => {
  const password = 'harness-secret';
  const pgw = await startPushgateway(t, {
    webConfig: { basicAuthUsers: { pusher: bcrypt.hashSync(password, 4) } },
  });
  if (!pgw) return;
  t.after(() => pgw.stop());

  const body = '# TYPE harness_pushed gauge\nharness_pushed 7\n';
  const endpoint = `${pgw.url}/metrics/job/harness/instance/a`;
  const auth = (user: string, pass: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
  });

  const anonymous = await fetch(endpoint, { method: 'PUT', body });
  assert.equal(anonymous.status, 401);
  await anonymous.arrayBuffer();
  const wrong = await fetch(endpoint, { method: 'PUT', body, headers: auth('pusher', 'nope') });
  assert.equal(wrong.status, 401);
  await wrong.arrayBuffer();

  const put = await fetch(endpoint, { method: 'PUT', body, headers: auth('pusher', password) });
  assert.ok(put.ok, `PUT: HTTP ${put.status} ${await put.text()}`);

  const scraped = await fetch(`${pgw.url}/metrics`, { headers: auth('pusher', password) });
  assert.equal(scraped.status, 200);
  assert.match(await scraped.text(), /^harness_pushed\{instance="a",job="harness"\} 7$/m);
});

test('node_exporter scrape has node_memory_MemTotal_bytes', async (t) => {
  const ne = await startNodeExporter(t);
  if (!ne) return;
  t.after(() => ne.stop());

  const text = await ne.scrape();
  const m = /^node_memory_MemTotal_bytes ([0-9.e+]+)$/m.exec(text);
  assert.ok(m, 'node_memory_MemTotal_bytes missing');
  assert.ok(Number(m[1]) > 0);
});
