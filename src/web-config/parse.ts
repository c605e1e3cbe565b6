/**
 * Reading `--web.config.file`: exporter-toolkit's format (the file node_exporter, the
 * Pushgateway and Prometheus read), checked the way its strict YAML decoding checks it: every
 * key known, every value of its type, no key twice. What the values mean (certificates that
 * load, bcrypt hashes, allowed headers) is checked by tls.ts, basic-auth.ts, headers.ts and
 * rate-limit.ts.
 *
 *     tls_server_config:   {cert_file, key_file, cert, key, client_ca_file, client_ca,
 *                           client_auth_type, client_allowed_sans, min_version, max_version,
 *                           cipher_suites, curve_preferences, prefer_server_cipher_suites}
 *     http_server_config:  {http2, headers}
 *     basic_auth_users:    {user: bcrypt hash, ...}
 *     rate_limit:          {interval, burst}
 *
 * Relative file names are relative to the config file's folder, as in exporter-toolkit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { failFor, type Fail } from './errors.js';

/** `tls_server_config`, as written (file names made absolute). */
export interface TlsServerConfig {
  readonly certFile?: string;
  readonly keyFile?: string;
  /** PEM text given inline instead of a file. */
  readonly cert?: string;
  readonly key?: string;
  readonly clientCaFile?: string;
  readonly clientCa?: string;
  readonly clientAuthType?: string;
  readonly clientAllowedSans?: readonly string[];
  readonly minVersion?: string;
  readonly maxVersion?: string;
  readonly cipherSuites?: readonly string[];
  readonly curvePreferences?: readonly string[];
  readonly preferServerCipherSuites?: boolean;
}

export interface HttpServerConfig {
  readonly http2?: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** A web config file, parsed. */
export interface WebConfigFile {
  readonly file: string;
  /** Undefined when the file sets no TLS key at all: plain HTTP (exporter-toolkit's IsEnabled). */
  readonly tls?: TlsServerConfig;
  /** Keys of `tls_server_config` that were set while TLS stays off (no certificate, key or client auth key). */
  readonly tlsIgnoredKeys?: readonly string[];
  readonly http: HttpServerConfig;
  /** User name → bcrypt hash. Empty: no authentication. */
  readonly users: ReadonlyMap<string, string>;
  readonly rateLimit?: { readonly interval: string | number; readonly burst: number };
}

type Kind = 'string' | 'boolean' | 'integer' | 'string list' | 'string map' | 'duration';

const TLS_KEYS: Record<string, Kind> = {
  cert_file: 'string',
  key_file: 'string',
  cert: 'string',
  key: 'string',
  client_ca_file: 'string',
  client_ca: 'string',
  client_auth_type: 'string',
  client_allowed_sans: 'string list',
  min_version: 'string',
  max_version: 'string',
  cipher_suites: 'string list',
  curve_preferences: 'string list',
  prefer_server_cipher_suites: 'boolean',
};
const HTTP_KEYS: Record<string, Kind> = { http2: 'boolean', headers: 'string map' };
const RATE_LIMIT_KEYS: Record<string, Kind> = { interval: 'duration', burst: 'integer' };
const SECTIONS = ['tls_server_config', 'http_server_config', 'basic_auth_users', 'rate_limit'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValue(fail: Fail, key: string, kind: Kind, v: unknown): unknown {
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') fail(`${key}: expected a string, got ${JSON.stringify(v)}`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') fail(`${key}: expected true or false, got ${JSON.stringify(v)}`);
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`${key}: expected a whole number, got ${JSON.stringify(v)}`);
      return v;
    case 'duration':
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) fail(`${key}: expected a duration such as 1s or 500ms, got ${JSON.stringify(v)}`);
      return v;
    case 'string list':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(`${key}: expected a list of strings, got ${JSON.stringify(v)}`);
      return v;
    case 'string map': {
      if (!isMapping(v)) fail(`${key}: expected a mapping of names to strings, got ${JSON.stringify(v)}`);
      const m = v as Record<string, unknown>;
      for (const [k, x] of Object.entries(m)) if (typeof x !== 'string') fail(`${key}.${k}: expected a string, got ${JSON.stringify(x)}`);
      return m;
    }
  }
}

/** Reads a section's keys against its table; unknown keys are errors. Null (an empty section) reads as {}. */
function section(fail: Fail, name: string, v: unknown, keys: Record<string, Kind>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (v === null || v === undefined) return out;
  if (!isMapping(v)) fail(`${name}: expected a mapping, got ${JSON.stringify(v)}`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const kind = keys[k];
    if (kind === undefined) fail(`unknown key "${name}.${k}" (known keys: ${Object.keys(keys).join(', ')})`);
    if (x === null || x === undefined) continue; // `key:` with no value is the zero value, as in Go
    out.set(k, checkValue(fail, `${name}.${k}`, kind!, x));
  }
  return out;
}

/** Parses YAML text from `file` (for messages and relative paths). Throws WebConfigError. */
export function parseWebConfig(file: string, source: string): WebConfigFile {
  const fail = failFor(file);
  let doc: unknown;
  try {
    // YAML 1.1, as Go's yaml.v2 reads it (`yes`/`no` are booleans there).
    doc = YAML.parse(source, { version: '1.1', uniqueKeys: true, prettyErrors: false });
  } catch (err) {
    fail(`invalid YAML: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {}; // an empty file: plain HTTP, no authentication
  if (!isMapping(doc)) fail(`the top level must be a mapping (keys: ${SECTIONS.join(', ')})`);
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!SECTIONS.includes(k)) fail(`unknown key "${k}" (known keys: ${SECTIONS.join(', ')})`);

  const dir = path.dirname(path.resolve(file));
  const abs = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? path.resolve(dir, p) : undefined);
  const str = (p: unknown): string | undefined => (typeof p === 'string' && p !== '' ? p : undefined);

  const t = section(fail, 'tls_server_config', top.tls_server_config, TLS_KEYS);
  const tls: TlsServerConfig = {
    certFile: abs(t.get('cert_file')),
    keyFile: abs(t.get('key_file')),
    cert: str(t.get('cert')),
    key: str(t.get('key')),
    clientCaFile: abs(t.get('client_ca_file')),
    clientCa: str(t.get('client_ca')),
    clientAuthType: str(t.get('client_auth_type')),
    clientAllowedSans: t.get('client_allowed_sans') as string[] | undefined,
    minVersion: str(t.get('min_version')),
    maxVersion: str(t.get('max_version')),
    cipherSuites: t.get('cipher_suites') as string[] | undefined,
    curvePreferences: t.get('curve_preferences') as string[] | undefined,
    preferServerCipherSuites: t.get('prefer_server_cipher_suites') as boolean | undefined,
  };
  // exporter-toolkit's IsEnabled: only these keys turn TLS on; versions or ciphers alone do not.
  const tlsEnabled = [tls.certFile, tls.keyFile, tls.cert, tls.key, tls.clientCaFile, tls.clientCa, tls.clientAuthType].some((x) => x !== undefined);

  const h = section(fail, 'http_server_config', top.http_server_config, HTTP_KEYS);
  const http: HttpServerConfig = { http2: h.get('http2') as boolean | undefined, headers: (h.get('headers') as Record<string, string> | undefined) ?? {} };

  const users = new Map<string, string>();
  const u = top.basic_auth_users;
  if (u !== null && u !== undefined) {
    if (!isMapping(u)) fail(`basic_auth_users: expected a mapping of user names to bcrypt hashes, got ${JSON.stringify(u)}`);
    for (const [name, hash] of Object.entries(u as Record<string, unknown>)) {
      if (typeof hash !== 'string') fail(`basic_auth_users: user "${name}": expected a bcrypt hash (a string), got ${JSON.stringify(hash)}`);
      users.set(name, hash as string);
    }
  }

  let rateLimit: WebConfigFile['rateLimit'];
  if (top.rate_limit !== null && top.rate_limit !== undefined) {
    const r = section(fail, 'rate_limit', top.rate_limit, RATE_LIMIT_KEYS);
    rateLimit = { interval: (r.get('interval') as string | number | undefined) ?? 0, burst: (r.get('burst') as number | undefined) ?? 0 };
  }

  const ignored = tlsEnabled ? [] : [...t.keys()];
  return { file, ...(tlsEnabled ? { tls } : {}), ...(ignored.length > 0 ? { tlsIgnoredKeys: ignored } : {}), http, users, ...(rateLimit ? { rateLimit } : {}) };
}

/** Reads and parses `file`. Throws WebConfigError naming it. */
export function readWebConfig(file: string): WebConfigFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    failFor(file)(`cannot read it (${code ?? (err as Error).message})`);
  }
  return parseWebConfig(file, source!);
}
