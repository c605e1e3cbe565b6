/**
 * The exporter's remote-write flags (`--remote-write.*`) and the writer they describe. Bad
 * values are usage errors (exit status 2) naming the flag; a password or token never appears
 * in a message.
 */
import { readFileSync } from 'node:fs';
import { envName, readableFile, type FlagSpec } from '../cli/flags.js';
import type { ResolvedFlag } from '../cli/args.js';
import { UsageError } from '../cli/usage-error.js';
import { flagDuration, flagPositiveInteger, flagText } from '../cli/flag-values.js';
import type { Registry } from '../registry.js';
import { VERSION } from '../server/build-info.js';
import { RemoteWriter, type RemoteWriteLogger } from './writer.js';

/** The environment variable holding the basic auth password (there is no flag for it). */
export const REMOTE_WRITE_PASSWORD_ENV = envName('remote-write.password');

/** Headers the protocol sets itself: not to be overridden with --remote-write.header. */
const RESERVED_HEADERS = new Set(['content-encoding', 'content-type', 'x-prometheus-remote-write-version', 'content-length', 'host', 'user-agent']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headerList(v: unknown): Record<string, string> {
  const items = typeof v === 'string' ? (v === '' ? [] : v.split(',')) : Array.isArray(v) ? v : undefined;
  if (items === undefined) throw new TypeError('expected NAME=VALUE items');
  const out: Record<string, string> = {};
  for (const item of items) {
    if (typeof item !== 'string') throw new TypeError('expected NAME=VALUE items');
    const eq = item.indexOf('=');
    const name = eq < 0 ? '' : item.slice(0, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) throw new TypeError(`expected NAME=VALUE with NAME an HTTP header name, got ${JSON.stringify(item.slice(0, Math.max(0, eq)) || item)}`);
    if (RESERVED_HEADERS.has(name)) throw new TypeError(`header "${name}" is set by the remote-write protocol`);
    const value = item.slice(eq + 1);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`header "${name}" has a line break in its value`);
    out[name] = value;
  }
  return out;
}

function url(v: unknown): string {
  const s = flagText(v);
  if (s === '') return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new TypeError('expected an http:// or https:// URL such as http://prometheus:9090/api/v1/write');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError('expected an http:// or https:// URL');
  if (u.username !== '' || u.password !== '') throw new TypeError('credentials do not go in the URL: use --remote-write.username and the password file or environment variable');
  return s;
}

export const REMOTE_WRITE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'remote-write.url',
    type: 'string',
    default: '',
    valueName: 'url',
    help: 'Send what /metrics serves to this remote-write endpoint (Prometheus remote-write 1.0: protobuf + snappy), e.g. http://prometheus:9090/api/v1/write. Off when not given.',
    parse: url,
  },
  { name: 'remote-write.interval', type: 'duration', default: '15s', help: 'How often to send everything.', parse: flagDuration },
  { name: 'remote-write.timeout', type: 'duration', default: '30s', help: 'Time one remote-write request may take.', parse: flagDuration },
  { name: 'remote-write.batch-size', type: 'number', default: 2000, valueName: 'samples', help: 'Samples per request.', parse: flagPositiveInteger },
  {
    name: 'remote-write.username',
    type: 'string',
    default: '',
    valueName: 'user',
    help: `Basic auth user. The password comes from --remote-write.password-file or the environment variable ${REMOTE_WRITE_PASSWORD_ENV}, never from a flag.`,
    parse: flagText,
  },
  { name: 'remote-write.password-file', type: 'string', default: '', valueName: 'file', help: 'File holding the basic auth password (surrounding whitespace is ignored).', parse: readableFile },
  {
    name: 'remote-write.bearer-token-file',
    type: 'string',
    default: '',
    valueName: 'file',
    help: 'File holding a bearer token sent as "Authorization: Bearer <token>" (not with basic auth).',
    parse: readableFile,
  },
  {
    name: 'remote-write.header',
    type: 'string[]',
    default: [],
    valueName: 'name=value',
    help: 'An extra HTTP header on every request, e.g. X-Scope-OrgID=tenant1. Repeatable.',
    parse: headerList,
  },
];

function get<T>(flags: ReadonlyMap<string, ResolvedFlag>, name: string): T {
  return flags.get(name)?.value as T;
}

function readSecret(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`--${flag} "${file}": cannot read it (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}

/**
 * The request headers the flags describe (authorization included). Throws UsageError for
 * basic auth without a password (or the reverse), basic auth and a bearer token together.
 */
export function remoteWriteHeaders(flags: ReadonlyMap<string, ResolvedFlag>, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const headers: Record<string, string> = { ...(get<Record<string, string>>(flags, 'remote-write.header') ?? {}) };
  const username = get<string>(flags, 'remote-write.username') ?? '';
  const passwordFile = get<string>(flags, 'remote-write.password-file') ?? '';
  const tokenFile = get<string>(flags, 'remote-write.bearer-token-file') ?? '';
  let password: string | undefined;
  if (passwordFile !== '') password = readSecret('remote-write.password-file', passwordFile);
  else if ((env[REMOTE_WRITE_PASSWORD_ENV] ?? '') !== '') password = env[REMOTE_WRITE_PASSWORD_ENV];
  if (username === '' && password !== undefined) throw new UsageError(`a remote-write password is set (${passwordFile !== '' ? '--remote-write.password-file' : REMOTE_WRITE_PASSWORD_ENV}) but --remote-write.username is not`);
  if (username !== '' && password === undefined) throw new UsageError(`--remote-write.username needs a password: --remote-write.password-file or the environment variable ${REMOTE_WRITE_PASSWORD_ENV}`);
  if (username !== '' && tokenFile !== '') throw new UsageError('--remote-write.username and --remote-write.bearer-token-file cannot be used together');
  if ((username !== '' || tokenFile !== '') && headers.authorization !== undefined) throw new UsageError('--remote-write.header authorization cannot be used with --remote-write.username or --remote-write.bearer-token-file');
  if (username !== '') headers.authorization = `Basic ${Buffer.from(`${username}:${password!}`).toString('base64')}`;
  if (tokenFile !== '') {
    const token = readSecret('remote-write.bearer-token-file', tokenFile);
    if (token === '' || /[\r\n]/.test(token)) throw new UsageError(`--remote-write.bearer-token-file "${tokenFile}": the token must be one non-empty line`);
    headers.authorization = `Bearer ${token}`;
  }
  return headers;
}

/** Checks the remote-write flags (for the CLI's early checks); throws UsageError. */
export function checkRemoteWriteFlags(flags: ReadonlyMap<string, ResolvedFlag>, env: Readonly<Record<string, string | undefined>>): void {
  remoteWriteHeaders(flags, env);
}

/**
 * The writer the flags describe, started, or undefined when --remote-write.url is not given.
 * `registry` is what it sends and where its self-metrics go.
 */
export function remoteWriterFromFlags(
  flags: ReadonlyMap<string, ResolvedFlag>,
  env: Readonly<Record<string, string | undefined>>,
  registry: Registry,
  logger?: RemoteWriteLogger,
): RemoteWriter | undefined {
  const target = get<string>(flags, 'remote-write.url') ?? '';
  if (target === '') return undefined;
  const writer = new RemoteWriter({
    url: target,
    intervalMs: get<number>(flags, 'remote-write.interval'),
    timeoutMs: get<number>(flags, 'remote-write.timeout'),
    batchSize: get<number>(flags, 'remote-write.batch-size'),
    headers: remoteWriteHeaders(flags, env),
    families: () => registry.renderPlan(),
    registry,
    ...(logger ? { logger } : {}),
    userAgent: `atomic-exporter/${VERSION}`,
  });
  writer.start();
  return writer;
}
