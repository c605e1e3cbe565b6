/**
 * `--web.config.file` through the command: a bad file ends it before anything starts, with
 * status 2 and exactly one line on stderr naming the file and the problem; a good one serves
 * HTTPS with basic auth and its headers, and logs what it enabled.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { runCli } from '../cli/cli-process.js';
import { request } from '../server/http-client.js';
import { makeTempDir } from '../support/tempdir.js';
import { makeCerts } from './certs.js';
import { startServing } from './exporter.js';
import { tlsRequest } from './tls-client.js';

describe('atomic-exporter --web.config.file', () => {
  it('exits 2 with one line naming the file and the problem for each bad file', async (t) => {
    const certs = await makeCerts(t);
    if (!certs) return;
    const tmp = await makeTempDir('ae-cli-web');
    try {
      const file = (name: string, text: string): string => {
        const f = path.join(tmp.path, name);
        writeFileSync(f, text);
        return f;
      };
      const e = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const missingCert = file('missing-cert.yml', `tls_server_config:\n  cert_file: missing.crt\n  key_file: ${certs.serverKey}\n`);
      const badHash = file('bad-hash.yml', 'basic_auth_users:\n  prometheus: password123\n');
      const unknownKey = file('unknown-key.yml', 'basic_auth_user:\n  prometheus: x\n');
      const wrongKey = file('wrong-key.yml', `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.otherKey}\n`);
      const badHeader = file('bad-header.yml', 'http_server_config:\n  headers:\n    Content-Type: text/html\n');
      const mtls = file('mtls.yml', `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  client_ca_file: ${certs.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n`);
      const cases: { args: string[]; env?: Record<string, string>; line: RegExp }[] = [
        {
          args: [`--web.config.file=${missingCert}`],
          line: new RegExp(`^atomic-exporter: web config file "${e(missingCert)}": tls_server_config\\.cert_file "${e(path.join(tmp.path, 'missing.crt'))}": cannot read it: no such file$`),
        },
        { args: [`--web.config.file=${badHash}`], line: new RegExp(`^atomic-exporter: web config file "${e(badHash)}": basic_auth_users: user "prometheus": the password is not a bcrypt hash`) },
        { args: [], env: { ATOMIC_EXPORTER_WEB_CONFIG_FILE: unknownKey }, line: new RegExp(`^atomic-exporter: web config file "${e(unknownKey)}": unknown key "basic_auth_user"`) },
        { args: [`--web.config.file=${wrongKey}`], line: new RegExp(`^atomic-exporter: web config file "${e(wrongKey)}": tls_server_config\\.key_file ".*": the private key does not belong to the certificate`) },
        { args: [`--web.config.file=${badHeader}`], line: new RegExp(`^atomic-exporter: web config file "${e(badHeader)}": http_server_config\\.headers: header "Content-Type" cannot be configured`) },
        { args: [`--web.config.file=${mtls}`, '--web.engine=uws'], line: new RegExp(`^atomic-exporter: --web\\.engine=uws cannot serve the TLS settings of web config file "${e(mtls)}" \\(client_auth_type RequireAndVerifyClientCert\\): use --web\\.engine=node or auto$`) },
        { args: ['--web.config.file=/nonexistent/web.yml'], line: /^atomic-exporter: invalid value "\/nonexistent\/web\.yml" for --web\.config\.file: cannot read file: no such file$/ },
      ];
      const results = await Promise.all(cases.map((c) => runCli(['--collector.disable-defaults', ...c.args], c.env)));
      results.forEach((r, i) => {
        const c = cases[i]!;
        const what = `${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}: stderr ${JSON.stringify(r.stderr)}`;
        assert.equal(r.code, 2, what);
        assert.equal(r.stdout, '', what);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        assert.equal(lines.length, 1, what);
        assert.match(lines[0]!, c.line, what);
      });
    } finally {
      await certs.remove();
      await tmp.remove();
    }
  });

  it('serves HTTPS only, with basic auth and the configured headers, and logs what it enabled', async (t) => {
    const certs = await makeCerts(t);
    if (!certs) return;
    const tmp = await makeTempDir('ae-cli-web');
    try {
      const web = path.join(tmp.path, 'web.yml');
      writeFileSync(
        web,
        `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\nbasic_auth_users:\n  prom: "${bcrypt.hashSync('pw', 4)}"\n`,
      );
      const ca = certs.read(certs.caFile);
      const ex = await startServing(['--collector.disable-defaults', `--web.config.file=${web}`], { ca });
      try {
        const denied = await tlsRequest(`${ex.url}/metrics`, { ca, auth: 'prom:bad' });
        assert.equal(denied.status, 401);
        assert.equal(denied.headers['www-authenticate'], 'Basic');
        assert.equal(denied.headers['x-frame-options'], 'sameorigin');
        const ok = await tlsRequest(`${ex.url}/metrics`, { ca, auth: 'prom:pw' });
        assert.equal(ok.status, 200);
        assert.equal(ok.headers['x-frame-options'], 'sameorigin');
        assert.match(ok.body, /^atomic_exporter_build_info\{/m);
        await assert.rejects(request(`http://127.0.0.1:${ex.port}/metrics`), 'no plain HTTP on the TLS port');
        assert.match(ex.output(), /msg="Web config loaded" file=\S+ tls=true client_auth=NoClientCert basic_auth_users=1 headers=x-frame-options rate_limit=false/);
        assert.match(ex.output(), /msg=Listening address=127\.0\.0\.1:\d+ engine=uws tls=true/);
      } finally {
        await ex.stop();
      }
      assert.equal(ex.exitCode, 0);
    } finally {
      await certs.remove();
      await tmp.remove();
    }
  });
});
