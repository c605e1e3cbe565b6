/**
 * `atomic-exporter push` end to end: the command (under tsx) runs its collectors once and pushes
 * to Debian's Pushgateway behind bcrypt basic auth; the group is read back from the gateway.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-process.js';
import type { PushgatewayHandle } from '../support/pushgateway.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { group, PASSWORD, startSecuredGateway, USER } from './gateway.js';

describe('atomic-exporter push', () => {
  let gw: PushgatewayHandle | undefined;
  let tmp: TempDir;
  let passwordFile: string;
  let textDir: string;
  const collectors = (): string[] => ['--collector.disable-defaults', '--collector.loadavg', '--collector.textfile', `--collector.textfile.directory=${textDir}`];

  before(async () => {
    gw = await startSecuredGateway({ skip: () => undefined });
    tmp = await makeTempDir('push-cli');
    passwordFile = path.join(tmp.path, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    textDir = path.join(tmp.path, 'textfile');
    mkdirSync(textDir);
    writeFileSync(path.join(textDir, 'batch.prom'), '# HELP batch_rows Rows written.\n# TYPE batch_rows gauge\nbatch_rows{table="users"} 12\n');
  });
  after(async () => {
    await gw?.stop();
    await tmp?.remove();
  });

  it('runs the collectors once and pushes them with grouping labels and basic auth', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const r = await runCli(['push', `--gateway.url=${gw.url}`, '--job=nightly', '--grouping=instance=db-1', '--grouping=path=/srv/backup', `--gateway.username=${USER}`, `--gateway.password-file=${passwordFile}`, ...collectors()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /msg="Pushed to the Pushgateway" url=http:\/\/127\.0\.0\.1:\d+ job=nightly/);
    assert.ok(!r.stderr.includes(PASSWORD));
    const g = await group(gw, { job: 'nightly', instance: 'db-1', path: '/srv/backup' });
    assert.ok(g, 'the group is on the gateway');
    assert.ok(g.families.node_load1, 'a host collector ran');
    assert.deepEqual(g.families.batch_rows!.metrics[0]!.labels, { job: 'nightly', instance: 'db-1', path: '/srv/backup', table: 'users' });
    assert.equal(g.families.batch_rows!.metrics[0]!.value, '12');
    assert.equal(g.families.node_textfile_scrape_error!.metrics[0]!.value, '0');
    assert.ok(g.families.atomic_exporter_collector_success, 'self-metrics go along');
  });

  it('--push.add adds to the group (password from the environment); --push.delete removes it', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const env = { ATOMIC_EXPORTER_GATEWAY_PASSWORD: PASSWORD };
    const extra = path.join(tmp.path, 'extra');
    mkdirSync(extra);
    writeFileSync(path.join(extra, 'extra.prom'), 'extra_only 1\n');
    const base = [`--gateway.url=${gw.url}`, '--job=adds', `--gateway.username=${USER}`];
    let r = await runCli(['push', ...base, ...collectors()], env);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli(['push', ...base, '--push.add', '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${extra}`], env);
    assert.equal(r.code, 0, r.stderr);
    const g = await group(gw, { job: 'adds' });
    assert.ok(g!.families.extra_only && g!.families.node_load1 && g!.families.batch_rows, 'POST kept the metrics of the first push');
    r = await runCli(['push', ...base, '--push.delete'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await group(gw, { job: 'adds' }), undefined);
  });

  it('a wrong password exits 1 with one line: the status and the gateway message, never the password', async (t) => {
    if (!gw) return t.skip('prometheus-pushgateway not installed');
    const r = await runCli(['push', `--gateway.url=${gw.url}`, '--job=denied', `--gateway.username=${USER}`, '--collector.disable-defaults', '--collector.loadavg'], { ATOMIC_EXPORTER_GATEWAY_PASSWORD: 'not-the-password' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `atomic-exporter push: PUT ${gw.url}/metrics/job/denied failed: HTTP 401 Unauthorized (authentication failed: wrong or missing username or password): Unauthorized\n`);
    assert.ok(!r.stdout.includes('not-the-password'));
    const missing = await runCli(['push', `--gateway.url=${gw.url}`, '--job=denied', '--push.delete']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^atomic-exporter push: DELETE .* failed: HTTP 401 Unauthorized/);
  });

  it('refuses bad input with exit 2 and one line, without echoing credentials', async () => {
    const url = 'http://127.0.0.1:9';
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['push', '--job=x'], {}, /^atomic-exporter push: --gateway\.url is required\n$/],
      [['push', `--gateway.url=${url}`], {}, /^atomic-exporter push: --job is required/],
      [['push', 'http://user:hunter2@127.0.0.1:9'].map((a, i) => (i === 1 ? `--gateway.url=${a}` : a)).concat('--job=x'), {}, /^atomic-exporter push: --gateway\.url must not hold credentials/],
      [['push', `--gateway.url=${url}`, '--job=x', '--gateway.username=u'], {}, /--gateway\.username needs a password: --gateway\.password-file or the environment variable ATOMIC_EXPORTER_GATEWAY_PASSWORD/],
      [['push', `--gateway.url=${url}`, '--job=x'], { ATOMIC_EXPORTER_GATEWAY_PASSWORD: 'hunter2' }, /a Pushgateway password is set \(ATOMIC_EXPORTER_GATEWAY_PASSWORD\) but --gateway\.username is not/],
      [['push', `--gateway.url=${url}`, '--job=x', '--push.add', '--push.delete'], {}, /--push\.add and --push\.delete cannot be used together/],
      [['push', `--gateway.url=${url}`, '--job=x', '--grouping=job=y'], {}, /invalid value .* for --grouping: "job" cannot be a grouping label/],
      [['push', `--gateway.url=${url}`, '--job=a/b'], {}, /--job: job name "a\/b" contains "\/"/],
      [['push', `--gateway.url=${url}`, '--job=x', '--gateway.password', 'hunter2'], {}, /unknown flag "--gateway\.password"/],
    ];
    const results = await Promise.all(cases.map(([args, env]) => runCli(args, env)));
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[i]![2]);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!r.stderr.includes('hunter2'), r.stderr);
    });
  });

  it('--help lists the push flags and the collector flags', async () => {
    const r = await runCli(['push', '--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const flag of ['--gateway.url', '--job', '--grouping', '--gateway.username', '--gateway.password-file', '--[no-]push.add', '--[no-]push.delete', '--collector.textfile.directory', '--collectors.dir']) assert.ok(r.stdout.includes(flag), flag);
    assert.ok(r.stdout.includes('ATOMIC_EXPORTER_GATEWAY_PASSWORD'), 'the help names the password variable');
    assert.ok(!r.stdout.includes('--web.listen-address'));
  });
});
