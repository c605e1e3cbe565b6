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
import { allFlagSpecs, checkCollectorArgs, resolveCollectors, RUNTIME_FLAGS } from '../runtime/flags.js';
import { CollectorRuntimeError } from '../runtime/errors.js';
import { discoverCollectors, type DiscoveredCollector } from '../runtime/discovery.js';
import { parseListenAddress } from '../server/address.js';
import { ListenError } from '../server/backend.js';
import { VERSION } from '../server/build-info.js';
import { MetricsServer } from '../server/server.js';
import { loadWebConfig, WebConfigError, type WebConfig } from '../web-config/index.js';
import { flagValue, parseFlags, scanArgv, type ProgramInfo, type ResolvedFlag } from './args.js';
import { configValues, readConfigFile } from './config-file.js';
import { CONFIG_FLAGS, checkFlagTable, envName, LOG_FLAGS, WEB_FLAGS, type FlagSpec, type LogFormat, type LogLevel } from './flags.js';
import { createLogger, type Logger } from './log.js';
import { periodicPushFromFlags, SERVER_PUSH_FLAGS } from './oneshot.js';
import { onStopSignals, shutdown, type ShutdownHook, type ShutdownTimings } from './shutdown.js';
import { checkRemoteWriteFlags, remoteWriterFromFlags, REMOTE_WRITE_FLAGS } from '../remote-write/flags.js';
import { displayUrl } from '../remote-write/writer.js';
import { UsageError } from './usage-error.js';

export const PROGRAM = {
  name: 'atomic-exporter',
  description: 'Prometheus exporter for host metrics (node_exporter names) and Node.js applications, with collectors in worker threads.',
  version: `atomic-exporter, version ${VERSION} (node ${process.version})`,
};

/** The flags this command defines itself; the runtime's and the collectors' are added to them. */
export const EXPORTER_FLAGS: readonly FlagSpec[] = [...WEB_FLAGS, ...LOG_FLAGS, ...CONFIG_FLAGS];

/**
 * The flags the exporter command adds to the runtime's and the collectors': ours and periodic
 * pushing (`--push.interval`, `--gateway.*`, from oneshot.ts). A function, not a constant:
 * oneshot.ts imports this module, so its exports are only usable once both are loaded.
 */
function ownFlags(): FlagSpec[] {
  return [...EXPORTER_FLAGS, ...SERVER_PUSH_FLAGS, ...REMOTE_WRITE_FLAGS];
}

export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** A running exporter (for tests and for the signal handlers). */
export interface Exporter {
  readonly server: MetricsServer;
  readonly runtime: CollectorRuntime;
  readonly logger: Logger;
  /** Run at shutdown after the scrapes in flight, before the collectors stop (a last push). */
  readonly shutdownHooks: ShutdownHook[];
  /**
   * Stops accepting, lets scrapes in flight finish, runs the shutdown hooks, stops the
   * collectors: within 5 s by default (see shutdown.ts). Idempotent.
   */
  stop(timings?: ShutdownTimings): Promise<void>;
}

export interface StartOptions {
  /** Hooks run at shutdown (see Exporter.shutdownHooks). */
  readonly shutdownHooks?: readonly ShutdownHook[];
  /** `--web.config.file` already read (null: none); by default startExporter reads it. */
  readonly web?: WebConfig | null;
  /** Where ATOMIC_EXPORTER_GATEWAY_PASSWORD is read (default process.env). */
  readonly env?: Env;
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
  if (err instanceof CollectorRuntimeError || err instanceof WebConfigError) return new UsageError(err.message);
  return undefined;
}

/** The flags of the command once `collectors` are discovered (the README's table, `--help`). */
export function commandFlagSpecs(collectors: readonly DiscoveredCollector[]): FlagSpec[] {
  return [...ownFlags(), ...allFlagSpecs(collectors)];
}

/** The command line read: every flag's value and the collectors found. */
export interface Parsed {
  readonly flags: ReadonlyMap<string, ResolvedFlag>;
  readonly collectors: readonly DiscoveredCollector[];
}

/** Reads every flag. Returns the text to print for --help/--version, or the values. */
export async function readFlags(argv: readonly string[], env: Env, own: readonly FlagSpec[] = EXPORTER_FLAGS, program: ProgramInfo = PROGRAM): Promise<{ exit: string } | Parsed> {
  const config = preConfig(argv, env);
  const dirs = preDirs(argv, env, config?.doc, config?.file);
  const collectors = await discoverCollectors({ dirs });
  // `own` is the command's flags (the `push` and `textfile` subcommands pass theirs).
  const specs = own === EXPORTER_FLAGS ? commandFlagSpecs(collectors) : [...own, ...allFlagSpecs(collectors)];
  checkFlagTable(specs);
  checkCollectorArgs(argv, collectors);
  const values = config ? configValues(config.file, config.doc, specs) : undefined;
  const outcome = parseFlags(program, specs, { argv, env, config: values, configFile: config?.file });
  if (outcome.kind === 'exit') return { exit: outcome.output };
  // The collectors' flags are checked now (option constraints, timeouts), before anything starts
  // or logs: a bad value ends the command with one line and status 2 (CollectorRuntimeError).
  const ownNames = new Set(own.map((f) => f.name));
  const runtimeFlags: Record<string, unknown> = {};
  for (const [name, f] of outcome.flags) if (!ownNames.has(name) && f.source !== 'default') runtimeFlags[name] = f.value;
  resolveCollectors(collectors, runtimeFlags);
  if (own === EXPORTER_FLAGS) checkRemoteWriteFlags(outcome.flags, env);
  return { flags: outcome.flags, collectors };
}

function get<T>(flags: ReadonlyMap<string, ResolvedFlag>, name: string): T {
  return flags.get(name)?.value as T;
}

/**
 * `--web.config.file`, read and checked (WebConfigError naming the file). Refuses
 * `--web.engine=uws` with TLS settings only node:https serves. Undefined when no file is set.
 */
export function readWebConfigFlag(flags: ReadonlyMap<string, ResolvedFlag>, logger: Logger): WebConfig | undefined {
  const file = get<string>(flags, 'web.config.file');
  if (file === '') return undefined;
  const web = loadWebConfig(file, {
    onTlsRefused: (reason, remote) => logger.debug({ remote, reason }, 'TLS connection refused'),
  });
  if (get<string>(flags, 'web.engine') === 'uws' && web.tls !== undefined && web.tls.uws === undefined) {
    throw new UsageError(`--web.engine=uws cannot serve the TLS settings of web config file "${file}" (${web.tls.uwsUnsupported ?? 'node:https only'}): use --web.engine=node or auto`);
  }
  return web;
}

function logWebConfig(web: WebConfig, logger: Logger): void {
  for (const w of web.warnings) logger.warn({ file: web.file }, `web config: ${w}`);
  const s = web.summary;
  logger.info(
    { file: web.file, tls: s.tls, client_auth: s.clientAuth, basic_auth_users: s.users, headers: s.headers.join(',') || 'none', rate_limit: s.rateLimit },
    'Web config loaded',
  );
}

/**
 * Starts the exporter from parsed flags. Rejects with a ListenError when the address cannot be
 * bound, a UsageError/CollectorRuntimeError/WebConfigError for settings checked at start.
 */
export async function startExporter(parsed: Parsed, logger: Logger, options: StartOptions = {}): Promise<Exporter> {
  const { flags, collectors } = parsed;
  const runtimeFlags: Record<string, unknown> = {};
  const own = new Set(ownFlags().map((f) => f.name));
  for (const [name, f] of flags) if (!own.has(name) && f.source !== 'default') runtimeFlags[name] = f.value;

  // Checked before anything starts (main reads it even before its first log line): a bad file
  // ends the command with one line.
  const engine = get<'auto' | 'uws' | 'node'>(flags, 'web.engine');
  const web = options.web !== undefined ? (options.web ?? undefined) : readWebConfigFlag(flags, logger);
  if (web) logWebConfig(web, logger);

  // The exporter keeps a CPU for its main thread (--collectors.cpus=auto, the flag's default);
  // the library's default is no affinity, so the CLI states the flag's value.
  runtimeFlags['collectors.cpus'] ??= get<string>(flags, 'collectors.cpus');
  // src/cli.ts turned V8's parallel scavenges off unless ATOMIC_EXPORTER_PARALLEL_SCAVENGE=1;
  // the runtime would turn them off too when it pins threads: the variable keeps them for both.
  const parallelScavenge = process.env.ATOMIC_EXPORTER_PARALLEL_SCAVENGE === '1' ? { parallelScavenge: true } : {};
  const runtime = await createRuntime({ collectors, flags: runtimeFlags, logger, ...parallelScavenge });
  const enabled = runtime.collectors.filter((c) => c.enabled).map((c) => c.name);
  logger.info({ collectors: enabled.join(','), threads: runtime.threads, cpus: availableParallelism() }, 'Enabled collectors');

  let server: MetricsServer;
  try {
    server = new MetricsServer({
      target: runtime,
      metricsPath: get<string>(flags, 'web.telemetry-path'),
      maxRequests: get<number>(flags, 'web.max-requests'),
      renderCacheBytes: (get<number | undefined>(flags, 'web.render-cache-mb') ?? 64) * 1024 * 1024,
      engine,
      logger,
      ...(web?.tls ? { tls: web.tls } : {}),
      ...(web?.onRequest ? { onRequest: web.onRequest } : {}),
      ...(web ? { headers: web.headers } : {}),
    });
    const { host, port } = parseListenAddress(get<string>(flags, 'web.listen-address'));
    await server.listen(host, port);
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  runtime.start();
  // `--push.interval`: pushes on an interval once serving, and a last time at shutdown (a hook).
  const hooks: ShutdownHook[] = [];
  try {
    const periodic = periodicPushFromFlags(flags, options.env ?? process.env, runtime.registry, logger);
    if (periodic) hooks.push({ name: 'push', run: (signal) => periodic.stop(signal) });
    // `--remote-write.url`: sends every interval; at shutdown the cycle in flight may finish.
    const writer = remoteWriterFromFlags(flags, options.env ?? process.env, runtime.registry, logger);
    if (writer) {
      logger.info({ url: displayUrl(get<string>(flags, 'remote-write.url')), interval_ms: get<number>(flags, 'remote-write.interval') }, 'Remote write enabled');
      hooks.push({ name: 'remote-write', run: (signal) => writer.stop(signal) });
    }
  } catch (err) {
    await server.close(0);
    await runtime.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const exporter: Exporter = {
    server,
    runtime,
    logger,
    shutdownHooks: [...hooks, ...(options.shutdownHooks ?? [])],
    stop: (timings) => (stopping ??= shutdown(exporter, timings)),
  };
  return exporter;
}

/**
 * The command. Resolves to an exit status when the program should end now (help, version, bad
 * input: 2, start failure: 1), or to undefined once the exporter is serving.
 */
export async function main(argv: readonly string[], env: Env = process.env, io: Io = process): Promise<number | undefined> {
  // Subcommands (issue #6): one-shot runs of the collectors, pushed or written to a file.
  if (argv[0] === 'push' || argv[0] === 'textfile') {
    const { runOneShot } = await import('./oneshot.js');
    return runOneShot(argv[0], argv.slice(1), env, io);
  }
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
  // A bad web config file is bad input like a bad flag: one line, status 2, nothing logged before.
  let web: WebConfig | undefined;
  try {
    web = readWebConfigFlag(parsed.flags, logger);
  } catch (err) {
    const usage = asUsageError(err);
    if (!usage) throw err;
    io.stderr.write(`${PROGRAM.name}: ${usage.message}\n`);
    return usage.exitCode;
  }
  logger.info({ version: VERSION, node: process.version }, 'Starting atomic-exporter');
  // Installed before starting: a signal while the collectors load stops the exporter as soon
  // as it is up, instead of killing it half-started.
  const starting = startExporter(parsed, logger, { web: web ?? null, env });
  const removeHandlers = onStopSignals(async () => {
    const exporter = await starting.catch(() => undefined);
    if (exporter === undefined) throw new Error('the exporter did not start');
    await exporter.stop();
  }, () => logger);
  try {
    await starting;
  } catch (err) {
    removeHandlers();
    const usage = asUsageError(err);
    if (usage) {
      io.stderr.write(`${PROGRAM.name}: ${usage.message}\n`);
      return usage.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    logger.error({ err: message, ...(err instanceof ListenError ? { code: err.code } : {}) }, 'could not start');
    return 1;
  }
  return undefined;
}
