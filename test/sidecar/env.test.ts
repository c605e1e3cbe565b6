/**
 * Environment configuration: every flag of the command (ours, the runtime's, every built-in
 * collector's, and those of collectors found with --collectors.dir) is read from its
 * ATOMIC_EXPORTER_* variable; the README's one table lists them all and is up to date; and a
 * real exporter configured by environment only (TLS and basic auth, host paths, collectors)
 * serves what it was told.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { parseFlags } from '../../src/cli/args.js';
import { envName, type FlagSpec } from '../../src/cli/flags.js';
import { exporterFlagsTable, FLAGS_TABLE_END, FLAGS_TABLE_START, withFlagsTable } from '../../src/cli/flags-doc.js';
import { commandFlagSpecs, PROGRAM } from '../../src/cli/main.js';
import { discoverCollectors } from '../../src/runtime/discovery.js';
import { REPO } from '../cli/cli-process.js';
import { makeTempDir } from '../support/tempdir.js';
import { makeCerts } from './certs.js';
import { startServing } from './exporter.js';
import { tlsRequest } from './tls-client.js';

const FIXTURE_PROC = path.join(REPO, 'test/fixtures/sidecar/host/proc');

/** A valid value for a flag, as text (what an environment variable holds), and what it parses to. */
function sample(spec: FlagSpec, existingFile: string): [string, unknown] {
  const special: Record<string, [string, unknown]> = {
    'web.listen-address': ['127.0.0.1:9999', '127.0.0.1:9999'],
    'web.telemetry-path': ['/from-env', '/from-env'],
    'web.engine': ['node', 'node'],
    'web.config.file': [existingFile, existingFile],
    'config.file': [existingFile, existingFile],
    'log.level': ['debug', 'debug'],
    'log.format': ['json', 'json'],
    'gateway.url': ['http://127.0.0.1:9091', 'http://127.0.0.1:9091'],
    'gateway.password-file': [existingFile, existingFile],
    grouping: ['instance=a,zone=b', undefined],
    'remote-write.url': ['http://127.0.0.1:9090/api/v1/write', 'http://127.0.0.1:9090/api/v1/write'],
    'remote-write.password-file': [existingFile, existingFile],
    'remote-write.bearer-token-file': [existingFile, existingFile],
    'remote-write.header': ['x-a=1,x-b=2', { 'x-a': '1', 'x-b': '2' }],
  };
  const s = special[spec.name];
  // Flags with their own parser: what it makes of the text.
  if (s) return [s[0], s[1] === undefined && spec.parse ? spec.parse(s[0]) : s[1]];
  switch (spec.type) {
    case 'boolean':
      return spec.default === true ? ['false', false] : ['true', true];
    case 'number':
      return ['3', 3];
    case 'duration':
      return ['7s', 7000];
    case 'string[]':
      return ['a,b', ['a', 'b']];
    case 'string':
      return [`from-env-${spec.name}`, `from-env-${spec.name}`];
  }
}

describe('environment configuration', () => {
  it('reads every flag of the command from its ATOMIC_EXPORTER_* variable', async () => {
    const collectors = await discoverCollectors({ dirs: [path.join(REPO, 'test/fixtures/sidecar/collectors')] });
    const specs = commandFlagSpecs(collectors);
    assert.ok(specs.length > 60, `${specs.length} flags`);
    for (const name of ['web.config.file', 'path.procfs', 'path.sysfs', 'path.rootfs', 'collector.meminfo', 'collector.big.series', 'collectors.threads']) {
      assert.ok(specs.some((s) => s.name === name), `--${name} is a flag`);
    }
    const env: Record<string, string> = {};
    const want = new Map<string, unknown>();
    for (const spec of specs) {
      const [text, value] = sample(spec, path.join(REPO, 'package.json'));
      assert.match(envName(spec.name), /^ATOMIC_EXPORTER_[A-Z0-9_]+$/);
      assert.equal(env[envName(spec.name)], undefined, `${envName(spec.name)} is one flag's`);
      env[envName(spec.name)] = text;
      want.set(spec.name, value);
    }
    const outcome = parseFlags(PROGRAM, specs, { argv: [], env });
    assert.equal(outcome.kind, 'run');
    if (outcome.kind !== 'run') return;
    for (const spec of specs) {
      const got = outcome.flags.get(spec.name);
      assert.deepEqual(got, { value: want.get(spec.name), source: 'env' }, `--${spec.name} from ${envName(spec.name)}`);
    }
  });

  it("has one table in the README listing every flag and its variable, in step with the flag tables", async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const table = await exporterFlagsTable();
    assert.equal(withFlagsTable(readme, table), readme, 'README.md flag table is stale: run `npm run docs:flags`');
    const section = readme.slice(readme.indexOf(FLAGS_TABLE_START), readme.indexOf(FLAGS_TABLE_END));
    const specs = commandFlagSpecs(await discoverCollectors({ dirs: [] }));
    for (const s of specs) assert.ok(section.includes(`| \`${envName(s.name)}\` |`), `${s.name} in the table`);
    assert.equal(readme.split(FLAGS_TABLE_START).length, 2, 'one table');
  });

  it('runs from the environment alone: TLS and basic auth, host paths, collectors, telemetry path', async (t) => {
    const certs = await makeCerts(t);
    if (!certs) return;
    const tmp = await makeTempDir('ae-env');
    try {
      const hash = bcrypt.hashSync('s3cret', 4);
      const web = path.join(tmp.path, 'web.yml');
      writeFileSync(web, `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nbasic_auth_users:\n  prom: "${hash}"\n`);
      const ca = certs.read(certs.caFile);
      const ex = await startServing([], {
        ca,
        env: {
          ATOMIC_EXPORTER_WEB_CONFIG_FILE: web,
          ATOMIC_EXPORTER_WEB_TELEMETRY_PATH: '/node-metrics',
          ATOMIC_EXPORTER_PATH_PROCFS: FIXTURE_PROC,
          ATOMIC_EXPORTER_COLLECTOR_DISABLE_DEFAULTS: 'true',
          ATOMIC_EXPORTER_COLLECTOR_MEMINFO: 'true',
          ATOMIC_EXPORTER_COLLECTOR_MEMINFO_INTERVAL: '1s',
          ATOMIC_EXPORTER_LOG_FORMAT: 'json',
        },
      });
      try {
        assert.equal((await tlsRequest(`${ex.url}/node-metrics`, { ca })).status, 401);
        // MemTotal 1234567 kB and HugePages_Total 7 from the fixture; scraped until the
        // collector's first run is in (it runs on its own schedule).
        const want = [/^node_memory_MemTotal_bytes 1264196608$/m, /^node_memory_HugePages_Total 7$/m];
        let body = '';
        const deadline = Date.now() + 15_000;
        while (!want.every((re) => re.test(body)) && Date.now() < deadline) {
          const r = await tlsRequest(`${ex.url}/node-metrics`, { ca, auth: 'prom:s3cret' });
          assert.equal(r.status, 200);
          body = r.body;
        }
        for (const re of want) assert.match(body, re);
        assert.doesNotMatch(body, /^node_cpu_seconds_total/m, 'only the collector named');
        const lines = ex.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
        assert.ok(lines.some((l) => l.msg === 'Web config loaded' && l.tls === true && l.basic_auth_users === 1), ex.output());
      } finally {
        await ex.stop();
      }
    } finally {
      await certs.remove();
      await tmp.remove();
    }
  });
});
