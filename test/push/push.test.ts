/**
 * The push library (src/push/) against Debian's Pushgateway behind bcrypt basic auth: push,
 * pushAdd and delete read back from the gateway's API, grouping values with `/` and empty ones,
 * 401s, refusals, timeouts, prom-client registries, periodic pushing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import client from 'prom-client';
import { Counter, Gauge, Histogram, Pushgateway, PushgatewayError, PushConfigError, Registry, startPeriodicPush } from '../../src/index.js';
import { encodeGroupings, groupPath } from '../../src/push/grouping.js';
import { parseFlags } from '../../src/cli/args.js';
import { periodicPushFromFlags, SERVER_PUSH_FLAGS } from '../../src/cli/oneshot.js';
import type { PushgatewayHandle } from '../support/pushgateway.js';
import { group, PASSWORD, startSecuredGateway, USER } from './gateway.js';

const auth = { username: USER, password: PASSWORD };

function sampleRegistry(): Registry {
  const r = new Registry();
  new Counter({ name: 'batch_records_total', help: 'Records processed.', labelNames: ['stage'], registers: [r] }).inc({ stage: 'load' }, 42);
  new Gauge({ name: 'batch_last_success_seconds', help: 'Last success.', registers: [r] }).set(1700000000);
  const h = new Histogram({ name: 'batch_duration_seconds', help: 'Durations.', buckets: [1, 10], registers: [r] });
  h.observe(0.5);
  h.observe(5);
  return r;
}

describe('grouping encoding (pure)', () => {
  it('sends values with "/" base64url-encoded and empty values as "=", under name@base64', () => {
    assert.deepEqual(encodeGroupings({ instance: 'host-1', path: '/var/tmp', empty: '' }), { instance: 'host-1', 'path@base64': 'L3Zhci90bXA', 'empty@base64': '=' });
    assert.equal(groupPath('batch', { path: '/var/tmp', empty: '', plain: 'a b' }), '/metrics/job/batch/path%40base64/L3Zhci90bXA/empty%40base64/%3D/plain/a%20b');
  });
});

describe('Pushgateway (ours, on prom-client) against the real Pushgateway', () => {
  let gw: PushgatewayHandle | undefined;
  before(async () => {
    gw = await startSecuredGateway({ skip: () => undefined });
  });
  after(async () => {
    await gw?.stop();
  });

  it('pushes with grouping labels, values with "/" and empty ones included, and reads them back', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const pg = new Pushgateway(gw.url, { auth }, sampleRegistry());
    const r = await pg.push({ jobName: 'batch', groupings: { instance: 'host-1', path: '/var/lib/x', empty: '' } });
    assert.equal(r.status, 200);
    const g = await group(gw, { job: 'batch', instance: 'host-1', path: '/var/lib/x', empty: '' });
    assert.ok(g, 'the group exists with the decoded labels');
    assert.equal(g.families.batch_records_total!.type, 'COUNTER');
    assert.deepEqual(g.families.batch_records_total!.metrics[0]!.labels, { job: 'batch', instance: 'host-1', path: '/var/lib/x', empty: '', stage: 'load' });
    assert.equal(g.families.batch_records_total!.metrics[0]!.value, '42');
    assert.equal(g.families.batch_last_success_seconds!.metrics[0]!.value, '1.7e+09');
    assert.equal(g.families.batch_duration_seconds!.type, 'HISTOGRAM');
    assert.equal(g.families.batch_duration_seconds!.metrics[0]!.count, '2');
  });

  it('pushAdd keeps the other metrics of the group; push replaces the whole group; delete removes it', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const labels = { job: 'replace', instance: 'i' };
    await new Pushgateway(gw.url, { auth }, sampleRegistry()).push({ jobName: 'replace', groupings: { instance: 'i' } });
    const extra = new Registry();
    new Gauge({ name: 'extra_value', help: 'Another.', registers: [extra] }).set(7);
    const pgExtra = new Pushgateway(gw.url, { auth }, extra);
    const added = await pgExtra.pushAdd({ jobName: 'replace', groupings: { instance: 'i' } });
    assert.equal(added.status, 200);
    let g = await group(gw, labels);
    assert.ok(g!.families.extra_value && g!.families.batch_records_total, 'POST adds');
    await pgExtra.push({ jobName: 'replace', groupings: { instance: 'i' } });
    g = await group(gw, labels);
    assert.ok(g!.families.extra_value && !g!.families.batch_records_total, 'PUT replaces the group');
    const deleted = await pgExtra.delete({ jobName: 'replace', groupings: { instance: 'i' } });
    assert.equal(deleted.status, 202);
    assert.equal(await group(gw, labels), undefined, 'DELETE removes it');
  });

  it('takes credentials from the URL, or an Authorization header', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const u = new URL(gw.url);
    u.username = USER;
    u.password = encodeURIComponent(PASSWORD);
    await new Pushgateway(u.toString(), {}, sampleRegistry()).push({ jobName: 'url-auth' });
    assert.ok(await group(gw, { job: 'url-auth' }));
    const header = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    await new Pushgateway(gw.url, { headers: { Authorization: header } }, sampleRegistry()).push({ jobName: 'header-auth' });
    assert.ok(await group(gw, { job: 'header-auth' }));
  });

  it('a wrong or missing password is a 401 PushgatewayError that says so, without the password', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    for (const options of [{ auth: { username: USER, password: 'wrong-secret' } }, {}]) {
      await assert.rejects(new Pushgateway(gw.url, options, sampleRegistry()).push({ jobName: 'denied', groupings: { path: '/x' } }), (e: unknown) => {
        assert.ok(e instanceof PushgatewayError);
        assert.equal(e.code, 'ERR_PUSH_HTTP');
        assert.equal(e.status, 401);
        assert.equal(e.gatewayMessage, 'Unauthorized');
        assert.equal(e.message, `PUT ${gw!.url}/metrics/job/denied/path%40base64/L3g failed: HTTP 401 Unauthorized (authentication failed: wrong or missing username or password): Unauthorized`);
        assert.ok(!e.message.includes('wrong-secret'));
        return true;
      });
    }
    const u = new URL(gw.url);
    u.username = USER;
    u.password = 'url-secret';
    await assert.rejects(new Pushgateway(u.toString(), {}, sampleRegistry()).push({ jobName: 'denied' }), (e: Error) => !e.message.includes('url-secret') && /HTTP 401/.test(e.message));
    assert.equal(await group(gw, { job: 'denied', path: '/x' }), undefined);
  });

  it("reports the gateway's own message for a push it refuses (400)", async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const r = new Registry();
    // The gateway refuses a gauge whose name it already holds as a counter in another group.
    new Counter({ name: 'consistency_total', help: 'h', registers: [r] }).inc();
    await new Pushgateway(gw.url, { auth }, r).push({ jobName: 'c1' });
    const r2 = new Registry();
    new Gauge({ name: 'consistency_total', help: 'h', registers: [r2] }).set(1);
    await assert.rejects(new Pushgateway(gw.url, { auth }, r2).push({ jobName: 'c2' }), (e: unknown) => {
      assert.ok(e instanceof PushgatewayError && e.status === 400, String(e));
      assert.match(e.message, /HTTP 400 Bad Request: .*consistency_total/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('pushes a prom-client registry, and ours in the text format even when set to OpenMetrics', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const theirs = new client.Registry();
    new client.Gauge({ name: 'prom_client_value', help: 'From prom-client.', labelNames: ['k'], registers: [theirs] }).set({ k: 'v' }, 3);
    await new Pushgateway(gw.url, { auth }, theirs).push({ jobName: 'prom-client' });
    const g = await group(gw, { job: 'prom-client' });
    assert.equal(g!.families.prom_client_value!.metrics[0]!.value, '3');

    const om = sampleRegistry();
    om.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    await new Pushgateway(gw.url, { auth }, om).push({ jobName: 'openmetrics' });
    const g2 = await group(gw, { job: 'openmetrics' });
    assert.equal(g2!.families.batch_records_total!.metrics[0]!.value, '42');
  });

  it('refuses metrics that carry job or a grouping label, bad job names and grouping labels, before any request', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const r = new Registry();
    new Gauge({ name: 'has_job', help: 'h', labelNames: ['job'], registers: [r] }).set({ job: 'mine' }, 1);
    const pg = new Pushgateway(gw.url, { auth }, r);
    await assert.rejects(pg.push({ jobName: 'refused' }), (e: unknown) => e instanceof PushConfigError && /metric "has_job" has a series with the label "job" \(\{job="mine"\}\)/.test(e.message));
    const r2 = new Registry();
    new Gauge({ name: 'has_instance', help: 'h', labelNames: ['instance'], registers: [r2] }).set({ instance: 'x' }, 1);
    await assert.rejects(new Pushgateway(gw.url, { auth }, r2).pushAdd({ jobName: 'refused', groupings: { instance: 'y' } }), /metric "has_instance" has a series with the label "instance".*grouping label/);
    await new Pushgateway(gw.url, { auth }, r2).push({ jobName: 'refused-ok', groupings: { other: 'y' } });
    await assert.rejects(pg.push({ jobName: 'a/b' }), /job name "a\/b" contains "\/"/);
    await assert.rejects(pg.push({ jobName: '' }), /needs a job name/);
    await assert.rejects(pg.push({ jobName: 'x', groupings: { job: 'y' } }), /"job" cannot be a grouping label/);
    await assert.rejects(pg.push({ jobName: 'x', groupings: { 'bad-name': 'y' } }), /grouping label name "bad-name" is not a valid label name/);
    assert.equal(await group(gw, { job: 'refused' }), undefined);
  });

  it('gives up after the timeout, or when the caller aborts, and names an unreachable gateway', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent: Server = createServer((s) => void sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = performance.now();
      await assert.rejects(new Pushgateway(`http://127.0.0.1:${port}`, { timeout: 300 }, sampleRegistry()).push({ jobName: 'slow' }), (e: unknown) => {
        assert.ok(e instanceof PushgatewayError && e.code === 'ERR_PUSH_TIMEOUT', String(e));
        assert.equal(e.message, `PUT http://127.0.0.1:${port}/metrics/job/slow failed: no answer within 300 ms`);
        return true;
      });
      const took = performance.now() - t0;
      assert.ok(took >= 280 && took < 3000, `took ${took} ms`);
      const c = new AbortController();
      setTimeout(() => c.abort(new Error('shutdown deadline')), 50);
      await assert.rejects(new Pushgateway(`http://127.0.0.1:${port}`, {}, sampleRegistry()).push({ jobName: 'slow', signal: c.signal }), (e: unknown) => e instanceof PushgatewayError && e.code === 'ERR_PUSH_ABORTED' && /aborted: shutdown deadline/.test(e.message));
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
    await assert.rejects(new Pushgateway(`http://127.0.0.1:${port}`, {}, sampleRegistry()).push({ jobName: 'down' }), (e: unknown) => e instanceof PushgatewayError && e.code === 'ERR_PUSH_NETWORK' && e.message.startsWith(`PUT http://127.0.0.1:${port}/metrics/job/down failed: cannot reach the Pushgateway: `) && /ECONNREFUSED/.test(e.message));
    assert.throws(() => new Pushgateway('ftp://x'), /must start with http/);
    assert.throws(() => new Pushgateway('not a url'), PushConfigError);
  });

  it('startPeriodicPush pushes on the interval and once more at stop, with the latest values', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const r = new Registry();
    const g = new Gauge({ name: 'periodic_value', help: 'h', registers: [r] });
    g.set(1);
    const logs: string[] = [];
    const logger = { info: (_o: object, m: string) => void logs.push(`info ${m}`), error: (o: Record<string, unknown>, m: string) => void logs.push(`error ${m} ${String(o.err)}`) };
    const periodic = startPeriodicPush({ gateway: new Pushgateway(gw.url, { auth }, r), jobName: 'periodic', groupings: { path: '/srv' }, intervalMs: 100, logger });
    const end = Date.now() + 5000;
    while (periodic.stats.ok < 2 && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
    assert.ok(periodic.stats.ok >= 2, 'pushed on the interval');
    g.set(2);
    await periodic.stop();
    const okBefore = periodic.stats.ok;
    const got = await group(gw, { job: 'periodic', path: '/srv' });
    assert.equal(got!.families.periodic_value!.metrics[0]!.value, '2', 'the last push has the latest value');
    await new Promise((res) => setTimeout(res, 250));
    assert.equal(periodic.stats.ok, okBefore, 'no push after stop');
    assert.equal(periodic.stop(), periodic.stop(), 'stop is idempotent');

    // Failures: logged once per streak (rate-limited), and stop() still resolves.
    const failing = startPeriodicPush({ gateway: new Pushgateway(gw.url, { auth: { username: USER, password: 'nope' } }, r), jobName: 'periodic-fail', intervalMs: 50, logger, logIntervalMs: 60_000 });
    const end2 = Date.now() + 5000;
    while (failing.stats.failed < 3 && Date.now() < end2) await new Promise((res) => setTimeout(res, 20));
    await failing.stop();
    const errors = logs.filter((l) => l.startsWith('error push failed'));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /HTTP 401/);
  });

  it("periodicPushFromFlags: the server's --push.interval from its flags, with a last push at stop", async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const info = { name: 'atomic-exporter', description: '', version: '0' };
    const flagsOf = (argv: string[]): ReturnType<typeof parseFlags> => parseFlags(info, SERVER_PUSH_FLAGS, { argv, env: {} });
    const r = new Registry();
    new Gauge({ name: 'server_value', help: 'h', registers: [r] }).set(5);
    const logs: string[] = [];
    const logger = { info: (_o: object, m: string) => void logs.push(m), warn: () => undefined, error: (_o: object, m: string) => void logs.push(m), debug: () => undefined };
    const none = flagsOf([]);
    assert.ok(none.kind === 'run' && periodicPushFromFlags(none.flags, {}, r, logger as never) === undefined, 'off by default');
    const half = flagsOf([`--gateway.url=${gw.url}`, '--job=server']);
    assert.throws(() => half.kind === 'run' && periodicPushFromFlags(half.flags, {}, r, logger as never), /--push\.interval is not/);
    const full = flagsOf([`--gateway.url=${gw.url}`, '--job=server', '--grouping=path=/a/b', '--push.interval=1h', `--gateway.username=${USER}`]);
    assert.equal(full.kind, 'run');
    if (full.kind !== 'run') return;
    const periodic = periodicPushFromFlags(full.flags, { ATOMIC_EXPORTER_GATEWAY_PASSWORD: PASSWORD }, r, logger as never)!;
    assert.equal(await group(gw, { job: 'server', path: '/a/b' }), undefined, 'nothing pushed before the first interval');
    await periodic.stop(AbortSignal.timeout(5000));
    assert.equal((await group(gw, { job: 'server', path: '/a/b' }))!.families.server_value!.metrics[0]!.value, '5', 'the last push at stop');
    assert.deepEqual(logs, ['Pushing to the Pushgateway periodically']);
  });
});
