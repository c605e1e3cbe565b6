/**
 * `atomic-exporter`: the host exporter. Reads flags (command line, environment, config file),
 * discovers collectors, starts the collector runtime and serves it.
 *
 * Order matters for the flags: `--config.file` and `--collectors.dir` are read first (the config
 * file may set the others; the collectors found in the folders define more flags), then every
 * flag is parsed against the full table. Bad input ends here with exit status 2 and one line on
 * stderr; nothing has started yet.
 */
import { availableParallelism } from 'node:os';
import { createRuntime, type CollectorRuntime } from '../runtime/index.js';
import { allFlagSpecs, checkCollectorArgs, RUNTIME_FLAGS } from '../runtime/flags.js';
import { CollectorRuntimeError } from '../runtime/errors.js';
import { discoverCollectors, type DiscoveredCollector } from '../runtime/discovery.js';
import { parseListenAddress } from '../server/address.js';
import { ListenError } from '../server/backend.js';
import { VERSION } from '../server/build-info.js';
import { MetricsServer } from '../server/server.js';
import { flagValue, parseFlags, scanArgv, type ResolvedFlag } from './args.js';
import { configValues, readConfigFile } from './config-file.js';
import { CONFIG_FLAGS, checkFlagTable, envName, LOG_FLAGS, WEB_FLAGS, type FlagSpec, type LogFormat, type LogLevel } from './flags.js';
import { createLogger, type Logger } from './log.js';
import { UsageError } from './usage-error.js';

export const PROGRAM = {
  name: 'atomic-exporter',
  description: 'Prometheus exporter for host metrics (node_exporter names) and Node.js applications, with collectors in worker threads.',
  version: `atomic-exporter, version ${VERSION} (node ${process.version})`,
};

/** The flags this command defines itself; the runtime's and the collectors' are added to them. */
export const EXPORTER_FLAGS: readonly FlagSpec[] = [...WEB_FLAGS, ...LOG_FLAGS, ...CONFIG_FLAGS];

const OWN_FLAG_NAMES = new Set(EXPORTER_FLAGS.map((f) => f.name));

export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** A running exporter (for tests and for the signal handlers). */
export interface Exporter {
  readonly server: MetricsServer;
  readonly runtime: CollectorRuntime;
  readonly logger: Logger;
  /** Stops serving (in-flight scrapes finish) and stops the collectors. */
  stop(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

const CONFIG_SPEC = CONFIG_FLAGS[0]!;
const DIRS_SPEC: FlagSpec = RUNTIME_FLAGS.find((f) => f.name === 'collectors.dir') ?? { name: 'collectors.dir', type: 'string[]', help: '' };

/** `--config.file` from argv or the environment (the config file cannot name itself). */
function preConfig(argv: readonly string[], env: Env): { file: string; doc: unknown } | undefined {
  const fromArgv = scanArgv(argv, CONFIG_SPEC.name).at(-1);
  const fromEnv = env[envName(CONFIG_SPEC.name)];
  const raw = fromArgv ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  if (raw === undefined || raw === '') return undefined;
  const file = flagValue(CONFIG_SPEC, raw, fromArgv === undefined ? `environment variable ${envName(CONFIG_SPEC.name)}` : undefined) as string;
  return { file, doc: readConfigFile(file) };
}

/** `--collectors.dir`, needed before discovery: command line, then environment, then config file. */
function preDirs(argv: readonly string[], env: Env, doc: unknown, file: string | undefined): string[] {
  const fromArgv = scanArgv(argv, DIRS_SPEC.name);
  if (fromArgv.length > 0) return fromArgv;
  const e = env[envName(DIRS_SPEC.name)];
  if (e !== undefined && e !== '') return flagValue(DIRS_SPEC, e, `environment variable ${envName(DIRS_SPEC.name)}`) as string[];
  const v = findConfigDirs(doc);
  return v === undefined ? [] : (flagValue(DIRS_SPEC, v, `config file "${file}", key "${DIRS_SPEC.name}"`) as string[]);
}

/** `collectors.dir` in a config document, written flat or nested. */
function findConfigDirs(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (d['collectors.dir'] !== undefined) return d['collectors.dir'];
  const nested = d.collectors;
  if (typeof nested === 'object' && nested !== null) return (nested as Record<string, unknown>).dir;
  return undefined;
}

function asUsageError(err: unknown): UsageError | undefined {
  if (err instanceof UsageError) return err;
  if (err instanceof CollectorRuntimeError) return new UsageError(err.message);
  return undefined;
}

/** The command line read: every flag's value and the collectors found. */
export interface Parsed {
  readonly flags: ReadonlyMap<string, ResolvedFlag>;
  readonly collectors: readonly DiscoveredCollector[];
}

/** Reads every flag. Returns the text to print for --help/--version, or the values. */
async function readFlags(argv: readonly string[], env: Env): Promise<{ exit: string } | Parsed> {
  const config = preConfig(argv, env);
  const dirs = preDirs(argv, env, config?.doc, config?.file);
  const collectors = await discoverCollectors({ dirs });
  const specs: FlagSpec[] = [...EXPORTER_FLAGS, ...allFlagSpecs(collectors)];
  checkFlagTable(specs);
  checkCollectorArgs(argv, collectors);
  const values = config ? configValues(config.file, config.doc, specs) : undefined;
  const outcome = parseFlags(PROGRAM, specs, { argv, env, config: values, configFile: config?.file });
  if (outcome.kind === 'exit') return { exit: outcome.output };
  return { flags: outcome.flags, collectors };
}

function get<T>(flags: ReadonlyMap<string, ResolvedFlag>, name: string): T {
  return flags.get(name)?.value as T;
}

/**
 * Starts the exporter from parsed flags. Rejects with a ListenError when the address cannot be
 * bound, a UsageError/CollectorRuntimeError for settings only the runtime can check.
 */
export async function startExporter(parsed: Parsed, logger: Logger): Promise<Exporter> {
  const { flags, collectors } = parsed;
  const runtimeFlags: Record<string, unknown> = {};
  for (const [name, f] of flags) if (!OWN_FLAG_NAMES.has(name) && f.source !== 'default') runtimeFlags[name] = f.value;

  const webConfig = get<string>(flags, 'web.config.file');
  if (webConfig !== '') logger.warn({ file: webConfig }, 'web config file found, but TLS and authentication are not implemented yet: serving plain HTTP without authentication');

  const runtime = await createRuntime({ collectors, flags: runtimeFlags, logger });
  const enabled = runtime.collectors.filter((c) => c.enabled).map((c) => c.name);
  logger.info({ collectors: enabled.join(','), threads: runtime.threads, cpus: availableParallelism() }, 'Enabled collectors');

  let server: MetricsServer;
  try {
    server = new MetricsServer({
      target: runtime,
      metricsPath: get<string>(flags, 'web.telemetry-path'),
      maxRequests: get<number>(flags, 'web.max-requests'),
      engine: get<'auto' | 'uws' | 'node'>(flags, 'web.engine'),
      logger,
    });
    const { host, port } = parseListenAddress(get<string>(flags, 'web.listen-address'));
    await server.listen(host, port);
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  runtime.start();
  let stopping: Promise<void> | undefined;
  return {
    server,
    runtime,
    logger,
    stop: () => (stopping ??= server.close().then(() => runtime.stop())),
  };
}

function installSignalHandlers(exporter: Exporter): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      exporter.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    exporter.logger.info({ signal }, 'Shutting down');
    const force = setTimeout(() => {
      exporter.logger.error({}, 'shutdown took longer than 5s: exiting');
      process.exit(1);
    }, 5000);
    force.unref();
    void exporter.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        exporter.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * The command. Resolves to an exit status when the program should end now (help, version, bad
 * input: 2, start failure: 1), or to undefined once the exporter is serving.
 */
export async function main(argv: readonly string[], env: Env = process.env, io: Io = process): Promise<number | undefined> {
  // --version needs no collector: answer it before discovery, which loads every collector file.
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).includes('--version')) {
    io.stdout.write(`${PROGRAM.version}\n`);
    return 0;
  }
  let parsed: Parsed;
  try {
    const r = await readFlags(argv, env);
    if ('exit' in r) {
      io.stdout.write(r.exit);
      return 0;
    }
    parsed = r;
  } catch (err) {
    const usage = asUsageError(err);
    if (!usage) throw err;
    io.stderr.write(`${PROGRAM.name}: ${usage.message}\n`);
    return usage.exitCode;
  }

  const logger = createLogger(get<LogLevel>(parsed.flags, 'log.level'), get<LogFormat>(parsed.flags, 'log.format'), io.stderr);
  logger.info({ version: VERSION, node: process.version }, 'Starting atomic-exporter');
  let exporter: Exporter;
  try {
    exporter = await startExporter(parsed, logger);
  } catch (err) {
    const usage = asUsageError(err);
    if (usage) {
      io.stderr.write(`${PROGRAM.name}: ${usage.message}\n`);
      return usage.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err: message, ...(err instanceof ListenError ? { code: err.code } : {}) }, 'could not start');
    return 1;
  }
  installSignalHandlers(exporter);
  return undefined;
}
