import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { availableParallelism } from 'node:os';
import {
  CollectorRuntimeError,
  checkCollectorArgs,
  collectorFlagSpecs,
  createRuntime,
  defaultThreads,
  formatDuration,
  parseDuration,
  resolveCollectors,
  RUNTIME_FLAGS,
  type DiscoveredCollector,
} from '../../src/runtime/index.js';
import { backoffSkips } from '../../src/runtime/scheduler.js';
import { memoryLogger } from './helpers.js';

const collector = (name: string, extra: Partial<DiscoveredCollector> = {}): DiscoveredCollector => ({
  name,
  file: `/x/${name}.js`,
  url: `file:///x/${name}.js`,
  builtin: true,
  metrics: { v: { type: 'gauge', name: `${name}_value`, help: 'h' } },
  ...extra,
});

const COLLECTORS = [
  collector('cpu'),
  collector('mem', { intervalMs: 2000, timeoutMs: 500 }),
  collector('slow', { defaultEnabled: false, options: { depth: { type: 'number', default: 2, help: 'How deep.' }, mountPoints: { type: 'string[]', default: ['/'], help: 'Mounts.' } } }),
  collector('synthetic', { options: { seriesCount: { type: 'number', default: 10, help: 'Series.', flag: 'synthetic.series-count' } } }),
];

const enabled = (values: Record<string, unknown>) =>
  resolveCollectors(COLLECTORS, values)
    .collectors.filter((c) => c.enabled)
    .map((c) => c.name);

const failsWith = (code: string, re: RegExp) => (e: unknown) => e instanceof CollectorRuntimeError && e.code === code && re.test(e.message);

describe('durations', () => {
  it('parses Prometheus durations', () => {
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1d2h'), 26 * 3_600_000);
  });
  it('refuses anything else, quoting it', () => {
    for (const bad of ['', '5', 's', '5x', '1s1m', '1s1s', ' 5s', '-5s', '1.5s']) {
      assert.throws(() => parseDuration(bad), (e: Error) => e instanceof RangeError && e.message.includes(JSON.stringify(bad)), bad);
    }
  });
  it('formats', () => {
    assert.equal(formatDuration(1500), '1s500ms');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(0), '0s');
  });
});

describe('flag specs', () => {
  it('derives --collector.NAME, its interval and timeout, and options from the collectors', () => {
    const specs = collectorFlagSpecs(COLLECTORS);
    const byName = new Map(specs.map((s) => [s.name, s]));
    assert.deepEqual(
      specs.filter((s) => s.collector === 'slow').map((s) => s.name),
      ['collector.slow', 'collector.slow.interval', 'collector.slow.timeout', 'collector.slow.depth', 'collector.slow.mount-points'],
    );
    const slow = byName.get('collector.slow')!;
    assert.equal(slow.type, 'boolean');
    assert.equal(slow.negatable, true);
    assert.equal(slow.enabledByDefault, false);
    assert.equal(slow.default, undefined, 'absence stays distinguishable from --no-collector.slow');
    assert.match(slow.help, /default: disabled/);
    assert.match(byName.get('collector.cpu')!.help, /default: enabled/);
    assert.match(byName.get('collector.mem.interval')!.help, /default: 2s/);
    assert.deepEqual(byName.get('collector.slow.mount-points')!.default, ['/']);
    assert.equal(byName.get('synthetic.series-count')!.type, 'number');
    assert.ok(RUNTIME_FLAGS.some((f) => f.name === 'collector.disable-defaults'));
    assert.ok(RUNTIME_FLAGS.some((f) => f.name === 'collectors.dir' && f.type === 'string[]'));
  });
});

describe('selection', () => {
  it('runs the collectors that are on by default', () => {
    assert.deepEqual(enabled({}), ['cpu', 'mem', 'synthetic']);
  });
  it('--collector.NAME and --no-collector.NAME turn one on or off', () => {
    assert.deepEqual(enabled({ 'collector.slow': true, 'collector.cpu': false }), ['mem', 'slow', 'synthetic']);
    assert.deepEqual(enabled({ 'collector.slow': 'true', 'collector.cpu': 'false' }), ['mem', 'slow', 'synthetic']);
  });
  it('--collector.disable-defaults keeps only the collectors named with --collector.NAME', () => {
    assert.deepEqual(enabled({ 'collector.disable-defaults': true }), []);
    assert.deepEqual(enabled({ 'collector.disable-defaults': true, 'collector.mem': true, 'collector.slow': true }), ['mem', 'slow']);
    // commander's camelCase attribute names work too
    assert.deepEqual(enabled({ 'collector.disableDefaults': true, 'collector.cpu': true }), ['cpu']);
  });
  it('an unknown collector name is an error naming it', () => {
    assert.throws(() => enabled({ 'collector.gpu': true }), failsWith('ERR_UNKNOWN_COLLECTOR', /unknown collector "gpu" \(known collectors: cpu, mem, slow, synthetic\)/));
    assert.throws(() => enabled({ 'collector.gpu.interval': '5s' }), failsWith('ERR_UNKNOWN_COLLECTOR', /"gpu"/));
    assert.throws(() => enabled({ 'collector.cpu.depth': 3 }), failsWith('ERR_UNKNOWN_COLLECTOR_FLAG', /unknown flag "--collector.cpu.depth"/));
    assert.throws(() => checkCollectorArgs(['--web.listen-address=:9100', '--no-collector.gpu'], COLLECTORS), failsWith('ERR_UNKNOWN_COLLECTOR', /"gpu"/));
    assert.throws(() => checkCollectorArgs(['--collector.gpu.interval=5s'], COLLECTORS), failsWith('ERR_UNKNOWN_COLLECTOR', /"gpu"/));
    checkCollectorArgs(['--collector.cpu', '--no-collector.mem', '--collector.disable-defaults', '--collector.slow.depth=3', '--', '--collector.gpu'], COLLECTORS);
  });
  it('ignores flags that are not the runtime\'s', () => {
    assert.deepEqual(enabled({ 'web.listen-address': ':9100', webConfigFile: 'x' }), ['cpu', 'mem', 'synthetic']);
  });
});

describe('intervals, timeouts, options', () => {
  const get = (values: Record<string, unknown>, name: string) => resolveCollectors(COLLECTORS, values).collectors.find((c) => c.name === name)!;

  it('interval: flag, then the file, then --collectors.interval (default 5s)', () => {
    assert.equal(get({}, 'cpu').intervalMs, 5000);
    assert.equal(get({ 'collectors.interval': '30s' }, 'cpu').intervalMs, 30_000);
    assert.equal(get({ 'collectors.interval': '30s' }, 'mem').intervalMs, 2000);
    assert.equal(get({ 'collector.mem.interval': '1m' }, 'mem').intervalMs, 60_000);
  });
  it('timeout: flag, then the file, then --collectors.timeout, never past the interval', () => {
    assert.equal(get({}, 'cpu').timeoutMs, 5000);
    assert.equal(get({ 'collectors.timeout': '2s' }, 'cpu').timeoutMs, 2000);
    assert.equal(get({}, 'mem').timeoutMs, 500);
    assert.equal(get({ 'collector.mem.interval': '200ms' }, 'mem').timeoutMs, 200);
    assert.equal(get({ 'collector.cpu.timeout': '1s' }, 'cpu').timeoutMs, 1000);
    assert.throws(() => get({ 'collector.cpu.timeout': '10s' }, 'cpu'), failsWith('ERR_INVALID_FLAG_VALUE', /--collector.cpu.timeout=10s is longer than the collector's interval \(5s\)/));
    assert.throws(() => get({ 'collector.cpu.interval': '5' }, 'cpu'), failsWith('ERR_INVALID_FLAG_VALUE', /invalid value "5" for --collector.cpu.interval/));
  });
  it('options: defaults, typed values, strings from the command line, custom flag names', () => {
    assert.deepEqual(get({}, 'slow').options, { depth: 2, mountPoints: ['/'] });
    assert.deepEqual(get({ 'collector.slow.depth': '7', 'collector.slow.mount-points': '/,/home' }, 'slow').options, { depth: 7, mountPoints: ['/', '/home'] });
    assert.deepEqual(get({ 'collector.slow.mountPoints': ['/var'] }, 'slow').options, { depth: 2, mountPoints: ['/var'] });
    assert.deepEqual(get({ 'synthetic.series-count': 100 }, 'synthetic').options, { seriesCount: 100 });
    assert.throws(() => get({ 'collector.slow.depth': 'deep' }, 'slow'), failsWith('ERR_INVALID_FLAG_VALUE', /invalid value "deep" for --collector.slow.depth: expected a number/));
  });
  it('paths and threads', () => {
    const r = resolveCollectors(COLLECTORS, { 'path.procfs': '/host/proc', 'collectors.threads': '3' });
    assert.deepEqual(r.paths, { procfs: '/host/proc', sysfs: '/sys', rootfs: '/' });
    assert.equal(r.threads, 3);
    assert.throws(() => resolveCollectors(COLLECTORS, { 'collectors.threads': -1 }), failsWith('ERR_INVALID_FLAG_VALUE', /collectors.threads/));
  });
  it('default pool size: 2 x CPUs, at least 4, at most one per enabled collector', () => {
    assert.equal(defaultThreads(1), 1);
    assert.equal(defaultThreads(100), Math.max(4, 2 * availableParallelism()));
    assert.equal(defaultThreads(3), 3);
  });
});

describe('back-off', () => {
  it('skips 0, 1, 3, 7, 15 due times after consecutive runs that ended their thread, at most 5 minutes', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 40].map((n) => backoffSkips(n, 1000)), [0, 0, 1, 3, 7, 15, 15, 15]);
    assert.equal(backoffSkips(6, 60_000), 4, '5 minutes at a 1-minute interval');
    assert.equal(backoffSkips(6, 10 * 60_000), 0);
  });
});

describe('createRuntime flags', () => {
  it('fails at start-up on an unknown collector, before starting any thread', async () => {
    await assert.rejects(
      createRuntime({ collectors: COLLECTORS, flags: { 'no-such': 1, 'collector.gpu': true }, logger: memoryLogger('silent').logger }),
      failsWith('ERR_UNKNOWN_COLLECTOR', /unknown collector "gpu"/),
    );
  });
  it('with nothing enabled: no pool, ready at once', async () => {
    const rt = await createRuntime({ collectors: COLLECTORS, flags: { 'collector.disable-defaults': true }, logger: memoryLogger('silent').logger });
    assert.equal(rt.threads, 0);
    assert.equal(rt.ready(), true);
    assert.deepEqual(await rt.collectOnce(), []);
    assert.deepEqual(
      rt.collectors.map((c) => c.state),
      ['disabled', 'disabled', 'disabled', 'disabled'],
    );
    await rt.stop();
  });
});
