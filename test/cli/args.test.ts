/** The flag table, the parser, the environment and the config file, without starting anything. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseFlags, scanArgv, type ParseOutcome, type ResolvedFlag } from '../../src/cli/args.js';
import { configValues, readConfigFile } from '../../src/cli/config-file.js';
import { checkFlagTable, envName, flagsMarkdownTable, type FlagSpec } from '../../src/cli/flags.js';
import { EXPORTER_FLAGS, PROGRAM } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/usage-error.js';
import type { DiscoveredCollector } from '../../src/runtime/discovery.js';
import { allFlagSpecs } from '../../src/runtime/flags.js';

/** Collectors as discovery would return them, without reading any file. */
const COLLECTORS: DiscoveredCollector[] = [
  {
    name: 'demo',
    help: 'A demo.',
    metrics: { up: { type: 'gauge', name: 'demo_up', help: 'x' } },
    options: { greeting: { type: 'string', default: 'hello', help: 'What to say.' }, labels: { type: 'string[]', help: 'Labels.' } },
    file: '/x/demo.js',
    url: 'file:///x/demo.js',
    builtin: true,
  },
  { name: 'off', defaultEnabled: false, metrics: { up: { type: 'gauge', name: 'off_up', help: 'x' } }, file: '/x/off.js', url: 'file:///x/off.js', builtin: true },
];
const SPECS: FlagSpec[] = [...EXPORTER_FLAGS, ...allFlagSpecs(COLLECTORS)];

function run(argv: string[], env: Record<string, string> = {}, configFile?: string): Map<string, ResolvedFlag> {
  const config = configFile ? configValues(configFile, readConfigFile(configFile), SPECS) : undefined;
  const out: ParseOutcome = parseFlags(PROGRAM, SPECS, { argv, env, config, configFile });
  assert.equal(out.kind, 'run');
  return out.flags as Map<string, ResolvedFlag>;
}

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected a UsageError');
}

function tmpFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ae-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('flag table', () => {
  it('derives environment names in upper snake case and has no clashes', () => {
    assert.equal(envName('web.listen-address'), 'ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS');
    assert.equal(envName('collector.demo.greeting'), 'ATOMIC_EXPORTER_COLLECTOR_DEMO_GREETING');
    checkFlagTable(SPECS);
    assert.throws(() => checkFlagTable([...SPECS, { name: 'web.listen_address', type: 'string', help: 'x' }]), /share the environment variable ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS/);
  });

  it('gives the README a table with every flag, its variable and default', () => {
    const md = flagsMarkdownTable(SPECS);
    for (const s of SPECS) assert.ok(md.includes(`\`${envName(s.name)}\``), s.name);
    assert.match(md, /^\| `--web.listen-address` \| `ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS` \| `":9479"` \| /m);
    assert.match(md, /^\| `--\[no-\]collector.demo` \| `ATOMIC_EXPORTER_COLLECTOR_DEMO` \| {2}\| /m);
  });
});

describe('parseFlags', () => {
  it('fills defaults', () => {
    const f = run([]);
    assert.deepEqual(f.get('web.listen-address'), { value: ':9479', source: 'default' });
    assert.equal(f.get('web.telemetry-path')?.value, '/metrics');
    assert.equal(f.get('web.max-requests')?.value, 40);
    assert.equal(f.get('log.level')?.value, 'info');
    assert.equal(f.get('log.format')?.value, 'logfmt');
    assert.equal(f.get('collector.demo.greeting')?.value, 'hello');
    // no value at all: the runtime applies enabledByDefault
    assert.equal(f.get('collector.demo'), undefined);
  });

  it('reads both --flag=value and --flag value, booleans and --no-', () => {
    const f = run(['--web.listen-address', '127.0.0.1:1234', '--web.max-requests=0', '--no-collector.demo', '--collector.off', '--collector.demo.labels=a', '--collector.demo.labels', 'b']);
    assert.deepEqual(f.get('web.listen-address'), { value: '127.0.0.1:1234', source: 'cli' });
    assert.equal(f.get('web.max-requests')?.value, 0);
    assert.equal(f.get('collector.demo')?.value, false);
    assert.equal(f.get('collector.off')?.value, true);
    assert.deepEqual(f.get('collector.demo.labels')?.value, ['a', 'b']);
  });

  it('takes every flag from ATOMIC_EXPORTER_*; the command line wins', () => {
    const env = {
      ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS: '127.0.0.1:9999',
      ATOMIC_EXPORTER_WEB_TELEMETRY_PATH: '/m',
      ATOMIC_EXPORTER_LOG_LEVEL: 'debug',
      ATOMIC_EXPORTER_COLLECTOR_DEMO: 'false',
      ATOMIC_EXPORTER_COLLECTOR_DEMO_LABELS: 'x,y',
      ATOMIC_EXPORTER_COLLECTOR_DEMO_INTERVAL: '30s',
      ATOMIC_EXPORTER_LOG_FORMAT: '',
    };
    const f = run(['--log.level=warn'], env);
    assert.deepEqual(f.get('web.listen-address'), { value: '127.0.0.1:9999', source: 'env' });
    assert.equal(f.get('web.telemetry-path')?.value, '/m');
    assert.deepEqual(f.get('log.level'), { value: 'warn', source: 'cli' });
    assert.equal(f.get('collector.demo')?.value, false);
    assert.deepEqual(f.get('collector.demo.labels')?.value, ['x', 'y']);
    assert.equal(f.get('collector.demo.interval')?.value, 30_000);
    assert.deepEqual(f.get('log.format'), { value: 'logfmt', source: 'default' }, 'empty counts as unset');
  });

  it('rejects bad input with one line naming the flag (and where the value came from)', () => {
    assert.match(usage(() => run(['--web.listen-address=not-an-address'])), /^invalid value "not-an-address" for --web\.listen-address: expected \[host\]:port/);
    assert.equal(usage(() => run(['--nope'])), 'unknown flag "--nope"');
    assert.equal(usage(() => run(['--web.listen-adress=:1'])), 'unknown flag "--web.listen-adress" (did you mean --web.listen-address?)');
    assert.equal(usage(() => run(['-x'])), 'unknown flag "-x"');
    assert.match(usage(() => run(['--web.max-requests=-1'])), /invalid value "-1" for --web\.max-requests: expected a whole number/);
    assert.match(usage(() => run(['--web.max-requests'])), /option '--web\.max-requests <n>' argument missing/);
    assert.match(usage(() => run(['--log.level=loud'])), /invalid value "loud" for --log\.level: expected one of debug, info, warn, error/);
    assert.match(usage(() => run(['--web.telemetry-path=metrics'])), /--web\.telemetry-path: expected a URL path/);
    assert.match(usage(() => run(['--collector.demo.interval=soon'])), /invalid value "soon" for --collector\.demo\.interval: expected a duration/);
    assert.match(usage(() => run(['extra'])), /too many arguments/);
    assert.match(
      usage(() => run([], { ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS: 'nowhere' })),
      /^invalid value "nowhere" for --web\.listen-address \(from environment variable ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS\): /,
    );
    assert.match(usage(() => run([], { ATOMIC_EXPORTER_COLLECTOR_DEMO: 'maybe' })), /--collector\.demo \(from environment variable ATOMIC_EXPORTER_COLLECTOR_DEMO\): expected true or false/);
    assert.match(usage(() => run(['--web.config.file=/nonexistent/web.yml'])), /invalid value "\/nonexistent\/web\.yml" for --web\.config\.file: cannot read file: no such file/);
  });

  it('prints help listing every flag with its default and variable, and the version', () => {
    const help = parseFlags(PROGRAM, SPECS, { argv: ['--help'], env: {} });
    assert.equal(help.kind, 'exit');
    const text = help.kind === 'exit' ? help.output : '';
    for (const s of SPECS) assert.ok(text.includes(s.type === "boolean" ? `--[no-]${s.name}` : `--${s.name} <`), `--help lists --${s.name}`);
    assert.match(text, /--web\.listen-address <address>\s+Address on which to expose metrics.*\(default: ":9479"; env:\s+ATOMIC_EXPORTER_WEB_LISTEN_ADDRESS\)/s);
    assert.match(text, /--web\.max-requests <n>.*default: 40/s);
    assert.match(text, /--log\.format <logfmt\|json>.*default: "logfmt"/s);
    assert.match(text, /--collector\.demo\.greeting <value>\s+What to say\. \(default: "hello"/);
    assert.match(text, /--\[no-\]collector\.off\s+Enable the off collector \(default: disabled\)/);
    assert.match(text, /--version/);
    const version = parseFlags(PROGRAM, SPECS, { argv: ['--version'], env: {} });
    assert.deepEqual(version, { kind: 'exit', output: `${PROGRAM.version}\n` });
  });

  it('finds early flags in argv', () => {
    assert.deepEqual(scanArgv(['--collectors.dir=a', '--x', '--collectors.dir', 'b', '--', '--collectors.dir=c'], 'collectors.dir'), ['a', 'b']);
  });
});

describe('config file', () => {
  it('sets flags by name, flat or nested, below the environment and the command line', () => {
    const file = tmpFile(
      'config.yml',
      [
        'web.listen-address: "127.0.0.1:7000"',
        'web:',
        '  telemetry-path: /from-config',
        'log.level: debug',
        'collector:',
        '  demo:',
        '    enabled: false',
        '    interval: 10s',
        '    labels: [a, b]',
        '  off: true',
        '',
      ].join('\n'),
    );
    const f = run(['--log.level=error'], { ATOMIC_EXPORTER_WEB_TELEMETRY_PATH: '/from-env' }, file);
    assert.deepEqual(f.get('web.listen-address'), { value: '127.0.0.1:7000', source: 'config' });
    assert.deepEqual(f.get('web.telemetry-path'), { value: '/from-env', source: 'env' });
    assert.deepEqual(f.get('log.level'), { value: 'error', source: 'cli' });
    assert.equal(f.get('collector.demo')?.value, false);
    assert.equal(f.get('collector.demo.interval')?.value, 10_000);
    assert.deepEqual(f.get('collector.demo.labels')?.value, ['a', 'b']);
    assert.equal(f.get('collector.off')?.value, true);
  });

  it('rejects unknown keys, bad values and unreadable files, naming the file', () => {
    const unknown = tmpFile('unknown.yml', 'web:\n  listen_adress: ":1"\n');
    assert.match(usage(() => run([], {}, unknown)), new RegExp(`^config file "${unknown}": unknown key "web\\.listen_adress"$`));
    const nested = tmpFile('nested.yml', 'collector:\n  nope:\n    enabled: true\n');
    assert.match(usage(() => run([], {}, nested)), /unknown key "collector\.nope"/);
    const twice = tmpFile('twice.yml', 'log.level: info\nlog:\n  level: debug\n');
    assert.match(usage(() => run([], {}, twice)), /"log\.level" is set twice/);
    const self = tmpFile('self.yml', 'config.file: other.yml\n');
    assert.match(usage(() => run([], {}, self)), /key "config\.file" cannot be set in a config file/);
    const badValue = tmpFile('bad.yml', 'web.max-requests: many\n');
    assert.match(usage(() => run([], {}, badValue)), new RegExp(`invalid value "many" for --web\\.max-requests \\(from config file "${badValue}", key "web\\.max-requests"\\)`));
    const notYaml = tmpFile('broken.yml', 'web: [unclosed\n');
    assert.match(usage(() => readConfigFile(notYaml)), new RegExp(`^config file "${notYaml}": invalid YAML: `));
    const list = tmpFile('list.yml', '- a\n- b\n');
    assert.match(usage(() => run([], {}, list)), /the top level must be a mapping/);
    assert.match(usage(() => readConfigFile('/nonexistent/config.yml')), /^config file "\/nonexistent\/config\.yml": cannot read it \(ENOENT\)$/);
    assert.equal(configValues('empty.yml', null, SPECS).size, 0);
  });
});
