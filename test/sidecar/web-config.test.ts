/**
 * `--web.config.file` in process: the file's checks (each bad file refused with one line naming
 * the file and the problem), basic auth and its cache, the rate limiter, and the settings served
 * by MetricsServer on both engines: TLS with a certificate made here by openssl, basic auth
 * right/wrong/missing, client certificates (every client_auth_type, allowed SANs), TLS versions,
 * security headers, plain HTTP refused on a TLS port.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { Gauge, Registry } from '../../src/index.js';
import { MetricsServer } from '../../src/server/index.js';
import {
  BasicAuth,
  loadWebConfig,
  parseBasicAuth,
  parseGoDuration,
  parseWebConfig,
  RateLimiter,
  WebConfigError,
  webConfigOf,
  type WebConfig,
} from '../../src/web-config/index.js';
import { findBinary } from '../support/binaries.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { request } from '../server/http-client.js';
import { makeCerts, type CertSet } from './certs.js';
import { tlsRequest } from './tls-client.js';

const PASSWORD = 'correct horse battery staple';
// Cost 4 keeps the tests quick; the cache test counts bcrypt runs instead of timing them.
const HASH = bcrypt.hashSync(PASSWORD, 4);
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('web config file: checks at start', () => {
  let certs: CertSet | undefined;
  let tmp: TempDir;
  before(async (t) => {
    certs = await makeCerts(t as never);
    tmp = await makeTempDir('ae-webcfg');
  });
  after(async () => {
    await certs?.remove();
    await tmp?.remove();
  });

  it('refuses each bad file with one line naming the file and the problem', (t) => {
    if (!certs) return t.skip('openssl missing');
    const c = certs;
    const openssl = findBinary('openssl')!;
    const encryptedKey = path.join(tmp.path, 'encrypted.key');
    execFileSync(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-aes256', '-pass', 'pass:secret', '-out', encryptedKey]);
    const tlsOf = (extra: string): string => `tls_server_config:\n  cert_file: ${c.serverCert}\n  key_file: ${c.serverKey}\n${extra}`;
    const cases: [string, string, RegExp][] = [
      ['unknown top-level key', 'tls_config:\n  cert_file: x\n', /unknown key "tls_config" \(known keys: tls_server_config, http_server_config, basic_auth_users, rate_limit\)$/],
      ['unknown TLS key', `tls_server_config:\n  cert_fil: ${c.serverCert}\n`, /unknown key "tls_server_config\.cert_fil"/],
      ['missing certificate file', `tls_server_config:\n  cert_file: /nonexistent/server.crt\n  key_file: ${c.serverKey}\n`, /tls_server_config\.cert_file "\/nonexistent\/server\.crt": cannot read it: no such file$/],
      ['missing key_file', `tls_server_config:\n  cert_file: ${c.serverCert}\n`, /tls_server_config: missing key_file \(or key\)$/],
      ['missing cert_file', `tls_server_config:\n  key_file: ${c.serverKey}\n`, /tls_server_config: missing cert_file \(or cert\)$/],
      ['key of another certificate', `tls_server_config:\n  cert_file: ${c.serverCert}\n  key_file: ${c.otherKey}\n`, /key_file ".*other\.key": the private key does not belong to the certificate/],
      ['a key where the certificate goes', `tls_server_config:\n  cert_file: ${c.serverKey}\n  key_file: ${c.serverKey}\n`, /cert_file ".*server\.key": not a PEM certificate/],
      ['an encrypted key', `tls_server_config:\n  cert_file: ${c.serverCert}\n  key_file: ${encryptedKey}\n`, /the private key is encrypted/],
      ['bad bcrypt hash', 'basic_auth_users:\n  prometheus: not-a-hash\n', /basic_auth_users: user "prometheus": the password is not a bcrypt hash/],
      ['bcrypt hash with a bad cost', `basic_auth_users:\n  prometheus: "${HASH.replace('$04$', '$99$')}"\n`, /user "prometheus": the password is not a bcrypt hash/],
      ['a colon in a user name', `basic_auth_users:\n  "a:b": "${HASH}"\n`, /user "a:b": a user name cannot contain ":"/],
      ['a header that cannot be set', 'http_server_config:\n  headers:\n    Server: nginx\n', /header "Server" cannot be configured \(allowed: Strict-Transport-Security, /],
      ['a bad X-Frame-Options', 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n', /headers\.X-Frame-Options: invalid value "allow" \(expected one of: deny, sameorigin\)$/],
      ['an unknown client_auth_type', tlsOf('  client_auth_type: Sometimes\n'), /client_auth_type: unknown value "Sometimes" \(expected one of: NoClientCert, /],
      ['a client CA without client auth', tlsOf(`  client_ca_file: ${c.caFile}\n`), /a client CA is set but client_auth_type is NoClientCert/],
      ['a client CA file without certificates', tlsOf(`  client_ca_file: ${c.clientKey}\n  client_auth_type: RequireAndVerifyClientCert\n`), /client_ca_file ".*client\.key": holds no PEM certificate$/],
      ['allowed SANs without a required certificate', tlsOf('  client_auth_type: VerifyClientCertIfGiven\n  client_allowed_sans: [a.test]\n'), /client_allowed_sans: needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert/],
      ['an unknown TLS version', tlsOf('  min_version: TLS14\n'), /min_version: unknown TLS version "TLS14"/],
      ['min_version above max_version', tlsOf('  min_version: TLS13\n  max_version: TLS12\n'), /min_version TLS13 is above max_version TLS12$/],
      ['an unknown cipher suite', tlsOf('  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n'), /cipher_suites: unknown cipher suite "TLS_RSA_WITH_RC4_128_SHA"/],
      ['an unknown curve', tlsOf('  curve_preferences: [CurveP192]\n'), /curve_preferences: unknown curve "CurveP192"/],
      ['cert and cert_file both', tlsOf('  cert: "-----BEGIN CERTIFICATE-----"\n'), /set cert_file or cert \(the PEM text\), not both/],
      ['a rate limit refusing everything', 'rate_limit:\n  interval: 1s\n  burst: 0\n', /rate_limit\.burst: must be 1 or more/],
      ['a bad duration', 'rate_limit:\n  interval: soon\n  burst: 1\n', /rate_limit\.interval: invalid duration "soon"/],
      ['a wrong type', 'http_server_config:\n  http2: maybe\n', /http_server_config\.http2: expected true or false, got "maybe"/],
      ['a key set twice', 'basic_auth_users:\n  a: x\n  a: y\n', /invalid YAML: .*[Mm]ap keys must be unique/],
      ['not YAML', 'tls_server_config: [\n', /invalid YAML: /],
      ['not a mapping', '- a\n- b\n', /the top level must be a mapping/],
    ];
    for (const [what, text, problem] of cases) {
      const file = write(tmp.path, `${what.replace(/\W+/g, '-')}.yml`, text);
      assert.throws(
        () => loadWebConfig(file),
        (err: unknown) => {
          assert.ok(err instanceof WebConfigError, `${what}: ${String(err)}`);
          assert.ok(err.message.startsWith(`web config file "${file}": `), `${what}: ${err.message}`);
          assert.match(err.message, problem, what);
          assert.doesNotMatch(err.message, /\n/, `${what}: one line`);
          return true;
        },
        what,
      );
    }
  });

  it('accepts an empty file (plain HTTP, no authentication) and resolves paths from the file folder', (t) => {
    if (!certs) return t.skip('openssl missing');
    const empty = webConfigOf(parseWebConfig('/etc/empty.yml', ''));
    assert.equal(empty.tls, undefined);
    assert.equal(empty.onRequest, undefined);
    assert.deepEqual(empty.headers, {});
    const dir = path.join(tmp.path, 'conf');
    mkdirSync(dir, { recursive: true });
    const text = `tls_server_config:\n  cert_file: ${path.relative(dir, certs.serverCert)}\n  key_file: ${path.relative(dir, certs.serverKey)}\n`;
    assert.ok(!path.isAbsolute(path.relative(dir, certs.serverCert)));
    const file = write(dir, 'web.yml', text);
    assert.equal(parseWebConfig(file, text).tls?.certFile, certs.serverCert);
    const web = loadWebConfig(file);
    assert.ok(web.tls?.uws, 'plain TLS from files: uWebSockets.js can serve it');
    // Versions or ciphers alone do not turn TLS on (exporter-toolkit's rule): a warning says so.
    const notOn = webConfigOf(parseWebConfig('/etc/w.yml', 'tls_server_config:\n  min_version: TLS13\n'));
    assert.equal(notOn.tls, undefined);
    assert.match(notOn.warnings.join('\n'), /sets min_version but no certificate: TLS is off/);
  });

  it('says which TLS settings need node:https', (t) => {
    if (!certs) return t.skip('openssl missing');
    const base = `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n`;
    const of = (extra: string): WebConfig => webConfigOf(parseWebConfig(path.join(tmp.path, 'x.yml'), base + extra));
    assert.ok(of('  min_version: TLS12\n  max_version: TLS13\n').tls?.uws);
    const mtls = of(`  client_ca_file: ${certs.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n`).tls!;
    assert.equal(mtls.uws, undefined);
    assert.equal(mtls.uwsUnsupported, 'client_auth_type RequireAndVerifyClientCert');
    assert.equal(of('  min_version: TLS13\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n  curve_preferences: [X25519]\n').tls?.uwsUnsupported, 'min_version TLS13, cipher_suites, curve_preferences');
  });
});

describe('basic auth', () => {
  it("reads Authorization as Go's Request.BasicAuth does", () => {
    assert.deepEqual(parseBasicAuth(basic('prom', 'a:b')), { user: 'prom', password: 'a:b' });
    assert.deepEqual(parseBasicAuth(`bAsIc ${Buffer.from('u:').toString('base64')}`), { user: 'u', password: '' });
    for (const bad of [undefined, '', 'Bearer x', 'Basic', 'Basic !!!!', `Basic ${Buffer.from('nocolon').toString('base64')}`, 'Basic dTpw=', `Basic ${Buffer.from([0x75, 0x3a, 0xff]).toString('base64')}`]) {
      assert.equal(parseBasicAuth(bad), undefined, String(bad));
    }
  });

  it('runs bcrypt once per user and password, then answers from the cache', async () => {
    let runs = 0;
    const auth = new BasicAuth(new Map([['prom', HASH]]), {
      compare: (p, h) => {
        runs++;
        return bcrypt.compare(p, h);
      },
    });
    assert.equal(await auth.check(basic('prom', PASSWORD)), 'ok');
    assert.equal(runs, 1);
    // Cached: answered at once, no promise, no bcrypt.
    assert.equal(auth.check(basic('prom', PASSWORD)), 'ok');
    assert.equal(runs, 1);
    // Wrong passwords are never cached: each pays bcrypt.
    assert.equal(await auth.check(basic('prom', 'wrong')), 'unauthorized');
    assert.equal(await auth.check(basic('prom', 'wrong')), 'unauthorized');
    assert.equal(runs, 3);
    // An unknown user is checked against a real hash too (same cost) and refused, even with the right password.
    assert.equal(await auth.check(basic('nobody', PASSWORD)), 'unauthorized');
    assert.equal(runs, 4);
    // No header, or a malformed one: refused at once.
    assert.equal(auth.check(undefined), 'unauthorized');
    assert.equal(auth.check('Basic ???'), 'unauthorized');
    assert.equal(runs, 4);
  });

  it('shares one bcrypt run among identical checks in flight, runs them one at a time, and turns away a flood', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const auth = new BasicAuth(new Map([['prom', HASH]]), {
      maxPending: 3,
      compare: async (p, h) => {
        runs++;
        maxRunning = Math.max(maxRunning, ++running);
        const ok = await bcrypt.compare(p, h);
        running--;
        return ok;
      },
    });
    const same = await Promise.all(Array.from({ length: 10 }, () => auth.check(basic('prom', PASSWORD))));
    assert.deepEqual(new Set(same), new Set(['ok']));
    assert.equal(runs, 1);
    const flood = await Promise.all(Array.from({ length: 6 }, (_, i) => auth.check(basic('prom', `wrong-${i}`))));
    assert.deepEqual(flood.slice(0, 3), ['unauthorized', 'unauthorized', 'unauthorized']);
    assert.deepEqual(flood.slice(3), ['busy', 'busy', 'busy']);
    assert.equal(maxRunning, 1);
  });
});

describe('rate limit', () => {
  it("reads Go durations and refills one token per interval up to the burst", () => {
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration(2_000_000), 2);
    assert.throws(() => parseGoDuration('5'), /invalid duration/);
    let now = 0;
    const limiter = new RateLimiter(1000, 2, () => now);
    assert.deepEqual([limiter.allow(), limiter.allow(), limiter.allow()], [true, true, false]);
    now = 999;
    assert.equal(limiter.allow(), false);
    now = 1000;
    assert.equal(limiter.allow(), true);
    now = 10_000;
    assert.deepEqual([limiter.allow(), limiter.allow(), limiter.allow()], [true, true, false]);
  });
});

for (const engine of ['uws', 'node'] as const) {
  describe(`MetricsServer with a web config on ${engine}`, () => {
    let certs: CertSet | undefined;
    let tmp: TempDir;
    let server: MetricsServer;
    let url = '';
    let port = 0;
    let ca: Buffer;
    const registry = new Registry();
    new Gauge({ name: 'sidecar_demo_value', help: 'A value.', registers: [registry] }).set(42);

    before(async (t) => {
      certs = await makeCerts(t as never);
      tmp = await makeTempDir('ae-webcfg-srv');
      if (!certs) return;
      ca = certs.read(certs.caFile);
      const file = write(
        tmp.path,
        'web.yml',
        [
          'tls_server_config:',
          `  cert_file: ${certs.serverCert}`,
          `  key_file: ${certs.serverKey}`,
          'http_server_config:',
          '  headers:',
          '    X-Frame-Options: deny',
          '    X-Content-Type-Options: nosniff',
          "    Content-Security-Policy: default-src 'none'",
          '    Strict-Transport-Security: max-age=31536000',
          'basic_auth_users:',
          `  prometheus: "${HASH}"`,
          '',
        ].join('\n'),
      );
      const web = loadWebConfig(file);
      server = new MetricsServer({ engine, target: { registry }, defaultMetrics: false, tls: web.tls, headers: web.headers, onRequest: web.onRequest, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      ({ url, port } = await server.listen('127.0.0.1', 0));
    });
    after(async () => {
      await server?.close();
      await certs?.remove();
      await tmp?.remove();
    });

    it('serves HTTPS only: metrics with the right credentials', async (t) => {
      if (!certs) return t.skip('openssl missing');
      assert.equal(server.engine, engine);
      assert.match(url, /^https:/);
      const r = await tlsRequest(`${url}/metrics`, { ca, auth: `prometheus:${PASSWORD}` });
      assert.equal(r.status, 200);
      assert.match(r.body, /^sidecar_demo_value 42$/m);
      // The cached check answers the next scrape the same way.
      assert.equal((await tlsRequest(`${url}/metrics`, { ca, auth: `prometheus:${PASSWORD}` })).status, 200);
      // Plain HTTP on the TLS port is not served.
      await assert.rejects(request(`http://127.0.0.1:${port}/metrics`));
    });

    it('answers 401 with WWW-Authenticate: Basic without credentials, with wrong ones, on every path', async (t) => {
      if (!certs) return t.skip('openssl missing');
      const cases: [string, string | undefined][] = [
        ['/metrics', undefined],
        ['/metrics', `prometheus:wrong`],
        ['/metrics', `someone:${PASSWORD}`],
        ['/-/healthy', undefined],
        ['/', undefined],
      ];
      for (const [p, auth] of cases) {
        const r = await tlsRequest(`${url}${p}`, { ca, ...(auth ? { auth } : {}) });
        assert.equal(r.status, 401, `${p} ${auth}`);
        assert.equal(r.headers['www-authenticate'], 'Basic');
        assert.doesNotMatch(r.body, /sidecar_demo_value/);
      }
    });

    it('adds the security headers to every response, refusals included', async (t) => {
      if (!certs) return t.skip('openssl missing');
      for (const auth of [undefined, `prometheus:${PASSWORD}`]) {
        const r = await tlsRequest(`${url}/metrics`, { ca, ...(auth ? { auth } : {}) });
        assert.equal(r.headers['x-frame-options'], 'deny');
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['content-security-policy'], "default-src 'none'");
        assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
      }
    });
  });
}

describe('client certificates (node:https)', () => {
  let certs: CertSet | undefined;
  let tmp: TempDir;
  before(async (t) => {
    certs = await makeCerts(t as never);
    tmp = await makeTempDir('ae-mtls');
  });
  after(async () => {
    await certs?.remove();
    await tmp?.remove();
  });

  /** Serves with `extra` TLS settings; `engine: auto` must pick node:https by itself. */
  async function serve(extra: string): Promise<{ server: MetricsServer; url: string; refused: string[] }> {
    const c = certs!;
    const file = write(tmp.path, 'mtls.yml', `tls_server_config:\n  cert_file: ${c.serverCert}\n  key_file: ${c.serverKey}\n${extra}`);
    const refused: string[] = [];
    const web = loadWebConfig(file, { onTlsRefused: (reason) => refused.push(reason) });
    const server = new MetricsServer({ target: { registry: new Registry() }, defaultMetrics: false, tls: web.tls, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    const { url } = await server.listen('127.0.0.1', 0);
    return { server, url, refused };
  }

  it('RequireAndVerifyClientCert: no certificate or an unknown one is refused, the CA-signed one is served', async (t) => {
    if (!certs) return t.skip('openssl missing');
    const c = certs;
    const { server, url, refused } = await serve(`  client_ca_file: ${c.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n`);
    try {
      assert.equal(server.engine, 'node', 'auto picks node:https for client certificates');
      const ca = c.read(c.caFile);
      await assert.rejects(tlsRequest(`${url}/metrics`, { ca }));
      await assert.rejects(tlsRequest(`${url}/metrics`, { ca, cert: c.read(c.rogueCert), key: c.read(c.rogueKey) }));
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
        await assert.rejects(tlsRequest(`${url}/metrics`, { ca, maxVersion }), maxVersion);
        const ok = await tlsRequest(`${url}/metrics`, { ca, cert: c.read(c.clientCert), key: c.read(c.clientKey), maxVersion });
        assert.equal(ok.status, 200, maxVersion);
        assert.match(ok.body, /^atomic_exporter_build_info/m);
      }
      assert.ok(refused.length >= 2, refused.join('\n'));
    } finally {
      await server.close();
    }
  });

  it('VerifyClientCertIfGiven, RequireAnyClientCert, RequestClientCert and allowed SANs behave as in Go', async (t) => {
    if (!certs) return t.skip('openssl missing');
    const c = certs;
    const ca = c.read(c.caFile);
    const good = { cert: c.read(c.clientCert), key: c.read(c.clientKey) };
    const rogue = { cert: c.read(c.rogueCert), key: c.read(c.rogueKey) };
    const expect: [string, Record<'none' | 'good' | 'rogue', boolean>][] = [
      [`  client_ca_file: ${c.caFile}\n  client_auth_type: VerifyClientCertIfGiven\n`, { none: true, good: true, rogue: false }],
      [`  client_ca_file: ${c.caFile}\n  client_auth_type: RequireAnyClientCert\n`, { none: false, good: true, rogue: true }],
      [`  client_ca_file: ${c.caFile}\n  client_auth_type: RequestClientCert\n`, { none: true, good: true, rogue: true }],
      [`  client_ca_file: ${c.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [other.test]\n`, { none: false, good: false, rogue: false }],
      [`  client_ca_file: ${c.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [other.test, prometheus.test]\n`, { none: false, good: true, rogue: false }],
      [`  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [prometheus.test]\n`, { none: false, good: true, rogue: true }],
    ];
    for (const [extra, want] of expect) {
      const { server, url } = await serve(extra);
      try {
        for (const who of ['none', 'good', 'rogue'] as const) {
          const opts = who === 'none' ? { ca } : { ca, ...(who === 'good' ? good : rogue) };
          const got = await tlsRequest(`${url}/-/healthy`, opts).then(
            (r) => r.status === 200,
            () => false,
          );
          assert.equal(got, want[who], `${extra.trim()} / client cert: ${who}`);
        }
      } finally {
        await server.close();
      }
    }
  });

  it('min_version TLS13 refuses TLS 1.2 clients', async (t) => {
    if (!certs) return t.skip('openssl missing');
    const { server, url } = await serve('  min_version: TLS13\n');
    try {
      const ca = certs.read(certs.caFile);
      await assert.rejects(tlsRequest(`${url}/-/healthy`, { ca, maxVersion: 'TLSv1.2' }));
      const r = await tlsRequest(`${url}/-/healthy`, { ca });
      assert.equal(r.protocol, 'TLSv1.3');
    } finally {
      await server.close();
    }
  });

  it('max_version TLS12 and Go cipher suite names', async (t) => {
    if (!certs) return t.skip('openssl missing');
    const { server, url } = await serve('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n  curve_preferences: [CurveP256]\n');
    try {
      const r = await tlsRequest(`${url}/-/healthy`, { ca: certs.read(certs.caFile) });
      assert.equal(r.status, 200);
      assert.equal(r.protocol, 'TLSv1.2');
    } finally {
      await server.close();
    }
  });
});

describe('rate limit on a server', () => {
  it('answers 429 once the burst is spent', async () => {
    const tmp = await makeTempDir('ae-rate');
    try {
      const web = loadWebConfig(write(tmp.path, 'web.yml', 'rate_limit:\n  interval: 1h\n  burst: 2\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n'));
      const server = new MetricsServer({ engine: 'uws', target: { registry: new Registry() }, defaultMetrics: false, headers: web.headers, onRequest: web.onRequest });
      const { url } = await server.listen('127.0.0.1', 0);
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await request(`${url}/-/healthy`)).status);
        assert.deepEqual(statuses, [200, 200, 429]);
        assert.equal((await request(`${url}/-/healthy`)).headers['x-content-type-options'], 'nosniff');
      } finally {
        await server.close();
      }
    } finally {
      await tmp.remove();
    }
  });
});
