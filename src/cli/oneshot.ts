/**
 * The one-shot subcommands (issue #6), for batch jobs and cron:
 *
 *   atomic-exporter push --gateway.url=URL --job=NAME [--grouping=KEY=VALUE]…
 *       [--gateway.username=U --gateway.password-file=F] [--push.add] [--push.delete]
 *   atomic-exporter textfile --output=PATH
 *
 * Both run every enabled collector once (the server's collector flags: `--collector.*`,
 * `--collectors.dir`, `--path.*`, …, from the command line, the environment or `--config.file`),
 * then push the result to a Pushgateway or write it atomically to a file for node_exporter's
 * textfile collector, and exit: 0 when done, 1 when the push or the write failed (one line on
 * stderr with the reason: for a push, the HTTP status and the gateway's message), 2 for bad
 * input. A collector that fails costs its own series (and shows as
 * `atomic_exporter_collector_success 0`), not the push.
 *
 * The gateway password never comes from a flag value: `--gateway.password-file`, or the
 * environment variable ATOMIC_EXPORTER_GATEWAY_PASSWORD. It is never logged or printed; nor is
 * a URL with credentials, which `--gateway.url` refuses.
 *
 * For the server, SERVER_PUSH_FLAGS and `periodicPushFromFlags` give `--push.interval` (a push
 * every interval and a last one at shutdown); wiring them into src/cli/main.ts is left to the
 * shutdown work (issue #8).
 */
import { readFileSync } from 'node:fs';
import { createRuntime } from '../runtime/index.js';
import { CollectorRuntimeError } from '../runtime/errors.js';
import { flagDuration, flagText } from './flag-values.js';
import { checkGrouping, checkJobName, PushConfigError } from '../push/grouping.js';
import { displayUrl, Pushgateway, type PushMethod } from '../push/pushgateway.js';
import { startPeriodicPush, type PeriodicPush } from '../push/periodic.js';
import { writeToTextfile } from '../push/textfile.js';
import type { Registry } from '../registry.js';
import type { ResolvedFlag } from './args.js';
import { CONFIG_FLAGS, envName, LOG_FLAGS, readableFile, type FlagSpec, type LogFormat, type LogLevel } from './flags.js';
import { createLogger, type Logger } from './log.js';
import { PROGRAM, readFlags, type Io } from './main.js';
import { UsageError } from './usage-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment variable holding the gateway password (there is no flag for it). */
export const GATEWAY_PASSWORD_ENV = envName('gateway.password');

/** `KEY=VALUE` items (a list from the command line or the config file, comma-separated from the environment). */
function groupingList(v: unknown): Record<string, string> {
  const items = typeof v === 'string' ? (v === '' ? [] : v.split(',')) : Array.isArray(v) ? v : undefined;
  if (items === undefined) throw new TypeError('expected KEY=VALUE items');
  const out: Record<string, string> = {};
  for (const item of items) {
    if (typeof item !== 'string') throw new TypeError('expected KEY=VALUE items');
    const eq = item.indexOf('=');
    if (eq <= 0) throw new TypeError(`expected KEY=VALUE, got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq).trim();
    if (Object.hasOwn(out, key)) throw new TypeError(`grouping label "${key}" is given twice`);
    out[key] = item.slice(eq + 1);
  }
  try {
    return checkGrouping(out);
  } catch (e) {
    throw new TypeError((e as Error).message);
  }
}

function optionalDuration(v: unknown): number {
  return v === '' || v === 0 ? 0 : flagDuration(v);
}

/** Where and how to push: shared by `push` and the server's `--push.interval`. */
export const GATEWAY_FLAGS: readonly FlagSpec[] = [
  {
    name: 'gateway.url',
    type: 'string',
    default: '',
    valueName: 'url',
    help: 'Pushgateway to push to, e.g. http://pushgateway:9091 (a path prefix is kept). No credentials in it: see --gateway.username.',
    parse: (v) => flagText(v).trim(),
  },
  { name: 'job', type: 'string', default: '', valueName: 'name', help: 'Job name of the pushed group (its "job" label). Required for a push.', parse: flagText },
  {
    name: 'grouping',
    type: 'string[]',
    default: [],
    valueName: 'key=value',
    help: 'Another grouping label of the pushed group, besides job. Repeatable. Values may contain "/" (sent base64-encoded).',
    parse: groupingList,
  },
  {
    name: 'gateway.username',
    type: 'string',
    default: '',
    valueName: 'user',
    help: `Basic auth user for the Pushgateway. The password comes from --gateway.password-file or the environment variable ${GATEWAY_PASSWORD_ENV}, never from a flag.`,
    parse: flagText,
  },
  { name: 'gateway.password-file', type: 'string', default: '', valueName: 'file', help: 'File holding the basic auth password (surrounding whitespace is ignored).', parse: readableFile },
  { name: 'gateway.timeout', type: 'duration', default: '10s', help: 'Time one request to the Pushgateway may take.', parse: flagDuration },
  {
    name: 'push.add',
    type: 'boolean',
    default: false,
    help: 'Add to the group (HTTP POST: metrics of the pushed names are replaced, the others kept) instead of replacing the whole group (HTTP PUT).',
  },
];

/** The flags of `push`. */
export const PUSH_FLAGS: readonly FlagSpec[] = [
  ...GATEWAY_FLAGS,
  { name: 'push.delete', type: 'boolean', default: false, help: 'Delete the group from the Pushgateway instead of pushing (no collector runs).' },
  ...LOG_FLAGS,
  ...CONFIG_FLAGS,
];

/** The flags of `textfile`. */
export const TEXTFILE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'output',
    type: 'string',
    default: '',
    valueName: 'path',
    help: 'File to write (atomically, mode 0644), e.g. /var/lib/node_exporter/textfile/batch.prom. Required.',
    parse: flagText,
  },
  ...LOG_FLAGS,
  ...CONFIG_FLAGS,
];

/** What the server adds for pushing on an interval (see periodicPushFromFlags). */
export const SERVER_PUSH_FLAGS: readonly FlagSpec[] = [
  { name: 'push.interval', type: 'duration', default: '', valueName: 'duration', help: 'Also push to --gateway.url this often, and once more at shutdown. Off when not given.', parse: optionalDuration },
  ...GATEWAY_FLAGS,
];

function get<T>(flags: ReadonlyMap<string, ResolvedFlag>, name: string): T {
  return flags.get(name)?.value as T;
}

/** The basic auth credentials the flags and environment give, if any. Throws UsageError. */
function credentials(flags: ReadonlyMap<string, ResolvedFlag>, env: Env): { username: string; password: string } | undefined {
  const username = get<string>(flags, 'gateway.username') ?? '';
  const file = get<string>(flags, 'gateway.password-file') ?? '';
  let password: string | undefined;
  if (file !== '') {
    try {
      password = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--gateway.password-file "${file}": cannot read it (${(e as { code?: string }).code ?? (e as Error).message})`);
    }
  } else {
    const fromEnv = env[GATEWAY_PASSWORD_ENV];
    if (fromEnv !== undefined && fromEnv !== '') password = fromEnv;
  }
  if (username === '' && password !== undefined) throw new UsageError(`a Pushgateway password is set (${file !== '' ? '--gateway.password-file' : GATEWAY_PASSWORD_ENV}) but --gateway.username is not`);
  if (username !== '' && password === undefined) throw new UsageError(`--gateway.username needs a password: --gateway.password-file or the environment variable ${GATEWAY_PASSWORD_ENV}`);
  return username === '' ? undefined : { username, password: password! };
}

/** A configured push target. */
export interface PushTarget {
  /** A Pushgateway client pushing `registry` (none needed to delete). */
  gatewayFor(registry?: Registry): Pushgateway;
  readonly url: string;
  readonly jobName: string;
  readonly groupings: Readonly<Record<string, string>>;
  readonly method: Exclude<PushMethod, 'delete'>;
}

/**
 * The push target the flags describe (GATEWAY_FLAGS), or undefined when `--gateway.url` is not
 * given. Throws UsageError for a missing job, bad credentials settings, a URL with credentials.
 */
export function pushTargetFromFlags(flags: ReadonlyMap<string, ResolvedFlag>, env: Env): PushTarget | undefined {
  const url = get<string>(flags, 'gateway.url') ?? '';
  if (url === '') return undefined;
  // Checked here rather than by the flag's parser, whose message would quote the value, and
  // the value may hold a password.
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--gateway.url${url.includes('@') ? '' : ` ${JSON.stringify(url)}`} is not a URL such as http://pushgateway:9091`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--gateway.url must be an http:// or https:// URL`);
  if (u.search !== '' || u.hash !== '') throw new UsageError(`--gateway.url must not have "?" or "#" parts`);
  if (u.username !== '' || u.password !== '') {
    throw new UsageError(`--gateway.url must not hold credentials (they would show in process lists and logs): use --gateway.username with --gateway.password-file or ${GATEWAY_PASSWORD_ENV}`);
  }
  const job = get<string>(flags, 'job') ?? '';
  if (job === '') throw new UsageError('--job is required: the Pushgateway groups pushes by job');
  try {
    checkJobName(job);
  } catch (e) {
    throw new UsageError(`--job: ${(e as Error).message}`);
  }
  const auth = credentials(flags, env);
  const options = { timeout: get<number>(flags, 'gateway.timeout') ?? 10_000, ...(auth ? { auth } : {}) };
  return {
    gatewayFor: (registry) => new Pushgateway(url, options, registry),
    url,
    jobName: job,
    groupings: get<Record<string, string>>(flags, 'grouping') ?? {},
    method: get<boolean>(flags, 'push.add') ? 'pushAdd' : 'push',
  };
}

/**
 * For the server: starts pushing `registry` every `--push.interval` when it and `--gateway.url`
 * are set (SERVER_PUSH_FLAGS), else returns undefined. Add `{ name: 'push', run: (signal) =>
 * periodic.stop(signal) }` to the shutdown hooks for the last push.
 */
export function periodicPushFromFlags(flags: ReadonlyMap<string, ResolvedFlag>, env: Env, registry: Registry, logger: Logger): PeriodicPush | undefined {
  const intervalMs = get<number>(flags, 'push.interval') ?? 0;
  const target = pushTargetFromFlags(flags, env);
  if (intervalMs === 0 && target === undefined) return undefined;
  if (intervalMs === 0) throw new UsageError('--gateway.url is set but --push.interval is not: the server pushes only on an interval');
  if (target === undefined) throw new UsageError('--push.interval needs --gateway.url and --job');
  logger.info({ url: displayUrl(target.url), job: target.jobName, interval_ms: intervalMs }, 'Pushing to the Pushgateway periodically');
  return startPeriodicPush({ gateway: target.gatewayFor(registry), jobName: target.jobName, groupings: target.groupings, method: target.method, intervalMs, logger });
}

const DESCRIPTIONS = {
  push: 'Runs every enabled collector once and pushes the metrics to a Prometheus Pushgateway.',
  textfile: "Runs every enabled collector once and writes the metrics to a file, atomically, for node_exporter's textfile collector.",
};

function asUsageError(err: unknown): UsageError | undefined {
  if (err instanceof UsageError) return err;
  if (err instanceof CollectorRuntimeError || err instanceof PushConfigError) return new UsageError(err.message);
  return undefined;
}

/** Runs `push` or `textfile`. Resolves to the exit status. */
export async function runOneShot(command: 'push' | 'textfile', argv: readonly string[], env: Env, io: Io): Promise<number> {
  const name = `${PROGRAM.name} ${command}`;
  const own = command === 'push' ? PUSH_FLAGS : TEXTFILE_FLAGS;
  const fail = (status: number, message: string): number => {
    io.stderr.write(`${name}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return status;
  };
  let flags: ReadonlyMap<string, ResolvedFlag>;
  let target: PushTarget | undefined;
  let output = '';
  let parsed;
  try {
    const r = await readFlags(argv, env, own, { name, description: DESCRIPTIONS[command], version: PROGRAM.version });
    if ('exit' in r) {
      io.stdout.write(r.exit);
      return 0;
    }
    parsed = r;
    flags = r.flags;
    if (command === 'push') {
      target = pushTargetFromFlags(flags, env);
      if (target === undefined) throw new UsageError('--gateway.url is required');
      if (get<boolean>(flags, 'push.delete') && get<boolean>(flags, 'push.add')) throw new UsageError('--push.add and --push.delete cannot be used together');
    } else {
      output = get<string>(flags, 'output') ?? '';
      if (output === '') throw new UsageError('--output is required');
    }
  } catch (err) {
    const usage = asUsageError(err);
    if (!usage) throw err;
    return fail(usage.exitCode, usage.message);
  }

  const logger = createLogger(get<LogLevel>(flags, 'log.level'), get<LogFormat>(flags, 'log.format'), io.stderr);
  const group = target ? { url: displayUrl(target.url), job: target.jobName, ...(Object.keys(target.groupings).length > 0 ? { grouping: JSON.stringify(target.groupings) } : {}) } : {};

  if (target && get<boolean>(flags, 'push.delete')) {
    try {
      await target.gatewayFor().delete({ jobName: target.jobName, groupings: target.groupings });
    } catch (err) {
      return fail(1, (err as Error).message);
    }
    logger.info(group, 'Deleted the group from the Pushgateway');
    return 0;
  }

  const ownNames = new Set(own.map((f) => f.name));
  const runtimeFlags: Record<string, unknown> = {};
  for (const [flag, f] of flags) if (!ownNames.has(flag) && f.source !== 'default') runtimeFlags[flag] = f.value;
  let runtime;
  try {
    runtime = await createRuntime({ collectors: parsed.collectors, flags: runtimeFlags, logger });
  } catch (err) {
    const usage = asUsageError(err);
    if (usage) return fail(usage.exitCode, usage.message);
    return fail(1, (err as Error).message);
  }
  try {
    const results = await runtime.collectOnce();
    const failed = results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'nodata').map((r) => r.collector);
    logger.debug({ collectors: results.length, failed: failed.join(',') || 'none' }, 'Collected once');
    if (target) {
      const gateway = target.gatewayFor(runtime.registry);
      const params = { jobName: target.jobName, groupings: target.groupings };
      const r = await (target.method === 'pushAdd' ? gateway.pushAdd(params) : gateway.push(params));
      logger.info({ ...group, status: r.status, failed_collectors: failed.join(',') || 'none' }, target.method === 'pushAdd' ? 'Pushed (added) to the Pushgateway' : 'Pushed to the Pushgateway');
    } else {
      await writeToTextfile(runtime.registry, output);
      logger.info({ file: output, failed_collectors: failed.join(',') || 'none' }, 'Wrote the metrics file');
    }
    return 0;
  } catch (err) {
    const usage = asUsageError(err);
    return fail(usage ? usage.exitCode : 1, (err as Error).message);
  } finally {
    await runtime.stop();
  }
}
