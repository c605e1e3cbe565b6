/**
 * Remote write (src/remote-write/): the protocol bytes, retries and their absence, auth and
 * headers against a receiver stand-in, every flag's validation, and then a real Prometheus
 * started with --web.enable-remote-write-receiver: the series sent appear in PromQL with the
 * values they had, from a registry and from the exporter's synthetic target.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFlags } from '../../src/cli/args.js';
import { commandFlagSpecs, PROGRAM } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { Counter, Gauge, Histogram, Registry, Summary } from '../../src/index.js';
import { checkRemoteWriteFlags, remoteWriteHeaders } from '../../src/remote-write/flags.js';
import { decodeWriteRequestBody, type WriteRequestMessage } from '../../src/remote-write/protocol.js';
import { familySamples } from '../../src/remote-write/series.js';
import { RemoteWriter } from '../../src/remote-write/writer.js';
import { discoverCollectors, type DiscoveredCollector } from '../../src/runtime/discovery.js';
import { runCli, startExporter } from '../cli/cli-process.js';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  message: WriteRequestMessage;
}

/** A receiver stand-in on loopback answering with the statuses given, in turn (then 204). */
async function receiver(statuses: (number | [number, Record<string, string>])[] = []): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, message: decodeWriteRequestBody(Buffer.concat(chunks)) });
      const next = statuses.shift() ?? 204;
      const [status, headers] = Array.isArray(next) ? next : [next, {}];
      res.writeHead(status, headers).end(status >= 400 ? 'nope' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/v1/write`, got, close: () => new Promise((r) => server.close(() => r())) };
}

function sampleRegistry(): Registry {
  const registry = new Registry();
  const g = new Gauge({ name: 'rw_temperature', help: 'h', labelNames: ['room', 'note'], registers: [registry] });
  g.set({ room: 'kitchen', note: 'say "hi"\\ ü' }, 21.5);
  g.set({ room: 'attic', note: '' }, -3);
  new Counter({ name: 'rw_requests_total', help: 'h', registers: [registry] }).inc(42);
  const h = new Histogram({ name: 'rw_latency_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
  for (const v of [0.05, 0.5, 5]) h.observe(v);
  const s = new Summary({ name: 'rw_size_bytes', help: 'h', percentiles: [0.5], registers: [registry] });
  s.observe(100);
  return registry;
}

describe('remote write: protocol', () => {
  it('turns families into sorted series, one per sample name, as a scrape of the text format would', async () => {
    const registry = sampleRegistry();
    const all = (await registry.snapshots()).flatMap((f) => [...familySamples(f)]);
    const names = all.map((s) => s.labels.find((l) => l.name === '__name__')!.value);
    assert.deepEqual(
      [...new Set(names)].sort(),
      ['rw_latency_seconds_bucket', 'rw_latency_seconds_count', 'rw_latency_seconds_sum', 'rw_requests_total', 'rw_size_bytes', 'rw_size_bytes_count', 'rw_size_bytes_sum', 'rw_temperature'],
    );
    for (const s of all) {
      const sorted = [...s.labels].sort((a, b) => (a.name < b.name ? -1 : 1));
      assert.deepEqual(s.labels, sorted);
    }
    const buckets = all.filter((s) => s.labels.some((l) => l.value === 'rw_latency_seconds_bucket'));
    assert.deepEqual(buckets.map((b) => [b.labels.find((l) => l.name === 'le')!.value, b.value]), [['0.1', 1], ['1', 2], ['+Inf', 3]]);
    const kitchen = all.find((s) => s.labels.some((l) => l.value === 'kitchen'))!;
    assert.equal(kitchen.labels.find((l) => l.name === 'note')!.value, 'say "hi"\\ ü');
  });
});

describe('remote write: sending', () => {
  it('sends batches with the protocol headers, auth and extra headers', async () => {
    const r = await receiver();
    try {
      const writer = new RemoteWriter({
        url: r.url,
        intervalMs: 60_000,
        batchSize: 4,
        headers: { authorization: 'Bearer t0k', 'x-scope-orgid': 'tenant1' },
        families: () => sampleRegistry().renderPlan(),
      });
      const result = await writer.sendOnce();
      // 2 gauges + 1 counter + (3 buckets + sum + count) + (1 quantile + sum + count) = 11
      assert.equal(result.samples, 11);
      assert.equal(result.sent, 11);
      assert.equal(r.got.length, 3);
      assert.deepEqual(r.got.map((g) => g.message.timeseries.length), [4, 4, 3]);
      const h = r.got[0]!.headers;
      assert.equal(h['content-encoding'], 'snappy');
      assert.equal(h['content-type'], 'application/x-protobuf');
      assert.equal(h['x-prometheus-remote-write-version'], '0.1.0');
      assert.equal(h.authorization, 'Bearer t0k');
      assert.equal(h['x-scope-orgid'], 'tenant1');
      assert.ok(r.got[0]!.message.metadata!.some((m) => m.metricFamilyName === 'rw_temperature' && m.type === 2));
      const ts = new Set(r.got.flatMap((g) => g.message.timeseries.map((t) => t.samples[0]!.timestamp)));
      assert.equal(ts.size, 1, 'one timestamp per cycle');
    } finally {
      await r.close();
    }
  });

  it('retries 5xx and 429 with backoff, then succeeds; counts sent and retried', async () => {
    const r = await receiver([503, [429, { 'retry-after': '0' }], 500]);
    const registry = new Registry();
    new Gauge({ name: 'one', help: 'h', registers: [registry] }).set(1);
    try {
      const writer = new RemoteWriter({ url: r.url, intervalMs: 60_000, minBackoffMs: 10, families: () => registry.renderPlan(), registry });
      const result = await writer.sendOnce();
      assert.equal(r.got.length, 4);
      assert.equal(result.sent, result.samples);
      assert.equal(result.retried, 3 * result.samples);
      assert.equal(result.failed, 0);
      const text = await registry.metrics();
      assert.match(text, new RegExp(`^atomic_exporter_remote_write_samples_sent_total ${result.samples}$`, 'm'));
      assert.match(text, new RegExp(`^atomic_exporter_remote_write_samples_retried_total ${3 * result.samples}$`, 'm'));
      assert.match(text, /^atomic_exporter_remote_write_samples_failed_total 0$/m);
      assert.match(text, /^atomic_exporter_remote_write_requests_total\{code="503"\} 1$/m);
    } finally {
      await r.close();
    }
  });

  it('never retries another 4xx: the batch fails once', async () => {
    for (const status of [400, 401, 404, 413]) {
      const r = await receiver([status, status, status]);
      const registry = new Registry();
      new Gauge({ name: 'one', help: 'h', registers: [registry] }).set(1);
      try {
        const writer = new RemoteWriter({ url: r.url, intervalMs: 60_000, minBackoffMs: 1, families: () => registry.renderPlan(), registry });
        const result = await writer.sendOnce();
        assert.equal(r.got.length, 1, `HTTP ${status}`);
        assert.equal(result.failed, result.samples);
        assert.equal(result.retried, 0);
        assert.match(await registry.metrics(), new RegExp(`^atomic_exporter_remote_write_samples_failed_total ${result.samples}$`, 'm'));
      } finally {
        await r.close();
      }
    }
  });

  it('gives up after the last retry, and retries connection errors', async () => {
    const r = await receiver([503, 503, 503, 503]);
    const registry = new Registry();
    new Gauge({ name: 'one', help: 'h', registers: [registry] }).set(1);
    try {
      const writer = new RemoteWriter({ url: r.url, intervalMs: 60_000, minBackoffMs: 1, maxRetries: 2, families: () => registry.renderPlan(), registry });
      const result = await writer.sendOnce();
      assert.equal(r.got.length, 3);
      assert.equal(result.failed, result.samples);
      assert.equal(result.retried, 2 * result.samples);
    } finally {
      await r.close();
    }
    const closed = new RemoteWriter({ url: 'http://127.0.0.1:1/api/v1/write', intervalMs: 60_000, minBackoffMs: 1, maxRetries: 1, families: () => registry.renderPlan() });
    const result = await closed.sendOnce();
    assert.equal(result.requests, 2);
    assert.equal(result.failed, result.samples);
  });
});

describe('remote write: flags', () => {
  let collectors: DiscoveredCollector[];
  before(async () => {
    collectors = await discoverCollectors();
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ae-rw-'));
  const passwordFile = path.join(dir, 'password');
  const tokenFile = path.join(dir, 'token');
  writeFileSync(passwordFile, 's3cret\n');
  writeFileSync(tokenFile, 'tok\n');

  function check(argv: string[], env: Record<string, string> = {}): ReturnType<typeof remoteWriteHeaders> {
    const out = parseFlags(PROGRAM, commandFlagSpecs(collectors), { argv, env });
    assert.equal(out.kind, 'run');
    checkRemoteWriteFlags(out.flags, env);
    return remoteWriteHeaders(out.flags, env);
  }

  function rejects(argv: string[], flag: string, env: Record<string, string> = {}): void {
    try {
      check(argv, env);
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      assert.ok(e.message.includes(`--${flag}`), `${argv.join(' ')}: ${e.message}`);
      assert.ok(!e.message.includes('s3cret') && !e.message.includes('tok\n'));
      return;
    }
    assert.fail(`${argv.join(' ')} was accepted`);
  }

  it('refuses bad values, naming the flag', () => {
    for (const v of ['not a url', 'ftp://x/y', 'http://user:pw@x/api/v1/write']) rejects([`--remote-write.url=${v}`], 'remote-write.url');
    for (const v of ['0', '-1', 'abc', '1.5']) rejects([`--remote-write.batch-size=${v}`], 'remote-write.batch-size');
    for (const v of ['0s', 'soon', '']) rejects([`--remote-write.interval=${v}`], 'remote-write.interval');
    for (const v of ['0', 'x']) rejects([`--remote-write.timeout=${v}`], 'remote-write.timeout');
    for (const v of ['novalue', 'bad header=1', 'content-type=text/plain', 'x=a\nb']) rejects([`--remote-write.header=${v}`], 'remote-write.header');
    rejects(['--remote-write.password-file=/nonexistent/pw'], 'remote-write.password-file');
    rejects(['--remote-write.bearer-token-file=/nonexistent/t'], 'remote-write.bearer-token-file');
    rejects(['--remote-write.username=u'], 'remote-write.username');
    rejects([`--remote-write.password-file=${passwordFile}`], 'remote-write.username');
    rejects(['--remote-write.username=u', `--remote-write.password-file=${passwordFile}`, `--remote-write.bearer-token-file=${tokenFile}`], 'remote-write.bearer-token-file');
  });

  it('builds basic auth from the file or the environment, a bearer token, extra headers', () => {
    assert.equal(check(['--remote-write.username=u', `--remote-write.password-file=${passwordFile}`]).authorization, `Basic ${Buffer.from('u:s3cret').toString('base64')}`);
    assert.equal(check(['--remote-write.username=u'], { ATOMIC_EXPORTER_REMOTE_WRITE_PASSWORD: 'p' }).authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(check([`--remote-write.bearer-token-file=${tokenFile}`]).authorization, 'Bearer tok');
    assert.deepEqual(check(['--remote-write.header=X-Scope-OrgID=t1', '--remote-write.header=x-a=b=c']), { 'x-scope-orgid': 't1', 'x-a': 'b=c' });
  });

  it('the command exits 2 with one line', async () => {
    const r = await runCli(['--remote-write.batch-size=0', '--web.listen-address=127.0.0.1:1']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /--remote-write\.batch-size/);
  });
});

describe('remote write to a real Prometheus', () => {
  let prom: PrometheusHandle | undefined;
  let skipped = false;

  before(async () => {
    const t = { skip: () => (skipped = true), after: () => undefined } as never;
    prom = await startPrometheus(t, { remoteWriteReceiver: true });
  });

  after(async () => {
    await prom?.stop();
  });

  it('the series sent appear in PromQL with their values', async (t) => {
    if (!prom) return t.skip(skipped ? 'prometheus not installed' : 'no prometheus');
    const registry = sampleRegistry();
    const writer = new RemoteWriter({ url: `${prom.url}/api/v1/write`, intervalMs: 60_000, batchSize: 3, families: () => registry.renderPlan(), registry });
    const r = await writer.sendOnce();
    assert.equal(r.failed, 0, JSON.stringify(r));
    assert.equal(r.sent, r.samples);
    const kitchen = await prom.waitFor('rw_temperature{room="kitchen"}', (s) => s.length === 1);
    assert.equal(kitchen[0]!.value, 21.5);
    assert.equal(kitchen[0]!.metric.note, 'say "hi"\\ ü');
    assert.equal((await prom.query('rw_temperature{room="attic"}'))[0]!.value, -3);
    assert.equal((await prom.query('rw_requests_total'))[0]!.value, 42);
    const buckets = await prom.query('rw_latency_seconds_bucket');
    assert.deepEqual(Object.fromEntries(buckets.map((b) => [b.metric.le, b.value])), { '0.1': 1, '1': 2, '+Inf': 3 });
    assert.equal((await prom.query('rw_latency_seconds_sum'))[0]!.value, 5.55);
    assert.equal((await prom.query('rw_size_bytes{quantile="0.5"}'))[0]!.value > 98, true);
    assert.equal((await prom.query('rw_size_bytes_count'))[0]!.value, 1);
  });

  it('the exporter sends its synthetic target: every series, and counts what it sent', async (t) => {
    if (!prom) return t.skip('no prometheus');
    const exporter = await startExporter([
      '--collector.disable-defaults',
      '--collector.synthetic',
      '--synthetic.metric-count=5',
      '--synthetic.series-count=200',
      '--synthetic.label-count=2',
      '--synthetic.const-label=source=rw',
      `--remote-write.url=${prom.url}/api/v1/write`,
      '--remote-write.interval=1s',
      '--remote-write.batch-size=500',
      '--log.level=warn',
    ]);
    try {
      const series = await prom.waitFor('count({__name__=~"synthetic_gauge_metric_mmmmm_0_.+",source="rw"})', (s) => s[0]?.value === 1000, 30_000);
      assert.equal(series[0]!.value, 1000);
      // The values Prometheus has are the ones the exporter serves (values change every 30 s).
      const text = await (await fetch(`${exporter.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('synthetic_gauge_metric_mmmmm_0_3{') && l.includes('series_id="7"'))!;
      const got = await prom.waitFor('synthetic_gauge_metric_mmmmm_0_3{series_id="7"}', (s) => s.length === 1 && s[0]!.value === Number(line.split(' ')[1]), 10_000);
      assert.equal(got[0]!.metric.label_key_kkkkk_1, 'label_val_vvvvv_1');
      const sent = /^atomic_exporter_remote_write_samples_sent_total (\d+)/m.exec(await (await fetch(`${exporter.url}/metrics`)).text());
      assert.ok(Number(sent?.[1]) >= 1000, sent?.[0]);
    } finally {
      await exporter.stop();
    }
  });
});
