/**
 * The command as a user runs it: bad input, help, environment variables, a port in use, the
 * node:http engine. Each case is a real child process (`node --import tsx src/cli.ts`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../support/ports.js';
import { runCli, startExporter } from './cli-process.js';

function tmpFile(name: string, content: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ae-cli-')), name);
  writeFileSync(file, content);
  return file;
}

describe('atomic-exporter command', () => {
  it('exits 2 with one line on stderr naming the flag or file for bad input', async () => {
    const badConfig = tmpFile('bad.yml', 'web:\n  listen-adress: ":1"\n');
    const cases: { args: string[]; env?: Record<string, string>; line: RegExp }[] = [
      { args: ['--web.listen-address=not-an-address'], line: /^atomic-exporter: invalid value "not-an-address" for --web\.listen-address: expected \[host\]:port/ },
      { args: ['--no-such-flag'], line: /^atomic-exporter: unknown flag "--no-such-flag"$/ },
      { args: ['--web.max-requests=lots'], line: /^atomic-exporter: invalid value "lots" for --web\.max-requests: / },
      { args: ['--config.file=/nonexistent/atomic.yml'], line: /^atomic-exporter: invalid value "\/nonexistent\/atomic\.yml" for --config\.file: cannot read file: no such file$/ },
      { args: [`--config.file=${badConfig}`], line: new RegExp(`^atomic-exporter: config file "${badConfig}": unknown key "web\\.listen-adress"$`) },
      { args: ['--web.config.file=/nonexistent/web.yml'], line: /^atomic-exporter: invalid value "\/nonexistent\/web\.yml" for --web\.config\.file: cannot read file: no such file$/ },
      { args: ['--collector.nope'], line: /^atomic-exporter: unknown collector "nope" \(known collectors: / },
      { args: [], env: { ATOMIC_EXPORTER_LOG_LEVEL: 'loud' }, line: /^atomic-exporter: invalid value "loud" for --log\.level \(from environment variable ATOMIC_EXPORTER_LOG_LEVEL\): expected one of debug, info, warn, error$/ },
    ];
    const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
    results.forEach((r, i) => {
      const c = cases[i]!;
      const what = `${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}: stderr ${JSON.stringify(r.stderr)}`;
      assert.equal(r.code, 2, what);
      assert.equal(r.stdout, '', what);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, what);
      assert.match(lines[0]!, c.line, what);
    });
  });

  it('prints --help with every flag and its default, and --version', async () => {
    const [help, version] = await Promise.all([runCli(['--help']), runCli(['--version'])]);
    assert.equal(help.code, 0, help.stderr);
    for (const flag of ['--web.listen-address <address>', '--web.telemetry-path <path>', '--web.max-requests <n>', '--web.config.file <file>', '--log.level', '--log.format', '--config.file <file>', '--[no-]collector.meminfo', '--path.procfs', '--version', '--help']) {
      assert.ok(help.stdout.includes(flag), `--help lists ${flag}`);
    }
    const flat = help.stdout.replace(/\s+/g, ' ');
    assert.match(flat, /--web\.listen-address <address> Address on which .*\(default: ":9479"; env: ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS\)/);
    assert.match(flat, /default: 40; env: ATOMIC_EXPORTER_WEB_MAX_REQUESTS/);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^atomic-exporter, version \d+\.\d+\.\d+.* \(node v\d+/);
  });

  it('takes flags from ATOMIC_EXPORTER_* variables; the command line wins', async () => {
    const exporter = await startExporter(['--web.telemetry-path=/from-flag', '--log.format=json'], {
      ATOMIC_EXPORTER_WEB_TELEMETRY_PATH: '/from-env',
      ATOMIC_EXPORTER_WEB_MAX_REQUESTS: '7',
      ATOMIC_EXPORTER_LOG_LEVEL: 'debug',
    });
    try {
      assert.equal((await fetch(`${exporter.url}/from-env`)).status, 404);
      const res = await fetch(`${exporter.url}/from-flag`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^atomic_exporter_build_info\{/m);
      // json logs at debug level (from the environment)
      const lines = exporter.output().split('\n').filter((l) => l.startsWith('{'));
      assert.ok(lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === 'Listening'), exporter.output());
    } finally {
      await exporter.stop();
    }
  });

  it('logs logfmt by default and stops on SIGTERM with status 0', async () => {
    const exporter = await startExporter();
    await exporter.stop();
    assert.equal(exporter.exitCode, 0, exporter.output());
    assert.match(exporter.output(), /^ts=\S+ level=info msg=Listening address=127\.0\.0\.1:\d+ engine=uws tls=false$/m);
    assert.match(exporter.output(), /^ts=\S+ level=info msg="Shutting down" signal=SIGTERM$/m);
  });

  it('fails clearly, with a non-zero status, when the port is in use', async () => {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const r = await runCli([`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`level=error msg="could not start" err="cannot listen on 127\\.0\\.0\\.1:${port}: address already in use \\(EADDRINUSE\\)" code=EADDRINUSE`));
    } finally {
      holder.close();
    }
  });

  it('serves the same with --web.engine=node (the fallback)', async () => {
    const exporter = await startExporter(['--web.engine=node']);
    try {
      const res = await fetch(`${exporter.url}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
      assert.equal(res.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
      assert.ok((await res.text()).endsWith('# EOF\n'));
      assert.match(exporter.output(), /msg=Listening address=\S+ engine=node/);
    } finally {
      await exporter.stop();
    }
  });
});
