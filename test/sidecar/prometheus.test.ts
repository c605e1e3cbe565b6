/**
 * A real Prometheus scraping the exporter command over TLS with basic auth (uWebSockets.js),
 * and over mTLS with basic auth (node:https): `up` is 1 for both; a job with a wrong password
 * and one without a client certificate are down. One Prometheus for the file.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { startPrometheus, type PrometheusHandle } from '../support/prometheus.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';
import { makeCerts, type CertSet } from './certs.js';
import { startServing, type TlsExporter } from './exporter.js';

const PASSWORD = 'scrape-me';

describe('Prometheus scraping over TLS with basic auth', () => {
  let certs: CertSet | undefined;
  let tmp: TempDir | undefined;
  let tlsExporter: TlsExporter | undefined;
  let mtlsExporter: TlsExporter | undefined;
  let prom: PrometheusHandle | undefined;
  const skipped: string[] = [];
  const skip = (m?: string): void => void skipped.push(m ?? 'skipped');

  before(async () => {
    certs = await makeCerts({ skip });
    if (!certs) return;
    tmp = await makeTempDir('ae-prom-tls');
    const users = `basic_auth_users:\n  prometheus: "${bcrypt.hashSync(PASSWORD, 10)}"\n`;
    const tlsFile = path.join(tmp.path, 'tls.yml');
    writeFileSync(tlsFile, `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n${users}`);
    const mtlsFile = path.join(tmp.path, 'mtls.yml');
    writeFileSync(
      mtlsFile,
      `tls_server_config:\n  cert_file: ${certs.serverCert}\n  key_file: ${certs.serverKey}\n  client_ca_file: ${certs.caFile}\n  client_auth_type: RequireAndVerifyClientCert\n${users}`,
    );
    const ca = certs.read(certs.caFile);
    const common = ['--collector.disable-defaults', '--collector.meminfo'];
    tlsExporter = await startServing([...common, `--web.config.file=${tlsFile}`], { ca });
    mtlsExporter = await startServing([...common, `--web.config.file=${mtlsFile}`], { ca, client: { cert: certs.read(certs.clientCert), key: certs.read(certs.clientKey) } });
    const tls = { caFile: certs.caFile };
    const client = { caFile: certs.caFile, certFile: certs.clientCert, keyFile: certs.clientKey };
    prom = await startPrometheus(
      { skip },
      {
        scrapeTargets: [
          { job: 'tls-basic-auth', target: `127.0.0.1:${tlsExporter.port}`, scheme: 'https', tls, basicAuth: { username: 'prometheus', password: PASSWORD } },
          { job: 'mtls-basic-auth', target: `127.0.0.1:${mtlsExporter.port}`, scheme: 'https', tls: client, basicAuth: { username: 'prometheus', password: PASSWORD } },
          { job: 'wrong-password', target: `127.0.0.1:${tlsExporter.port}`, scheme: 'https', tls, basicAuth: { username: 'prometheus', password: 'nope' } },
          { job: 'no-client-cert', target: `127.0.0.1:${mtlsExporter.port}`, scheme: 'https', tls, basicAuth: { username: 'prometheus', password: PASSWORD } },
          { job: 'plain-http', target: `127.0.0.1:${tlsExporter.port}`, basicAuth: { username: 'prometheus', password: PASSWORD } },
        ],
      },
    );
  });
  after(async () => {
    await Promise.all([prom?.stop(), tlsExporter?.stop(), mtlsExporter?.stop()]);
    await certs?.remove();
    await tmp?.remove();
  });

  it('is up over TLS + basic auth and over mTLS + basic auth; down with a wrong password, no client certificate or plain HTTP', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const up = await prom.waitFor('up', (s) => s.length === 5 && s.filter((x) => x.value === 1).length === 2, 30_000);
    const byJob = Object.fromEntries(up.map((s) => [s.metric.job, s.value]));
    assert.deepEqual(byJob, { 'tls-basic-auth': 1, 'mtls-basic-auth': 1, 'wrong-password': 0, 'no-client-cert': 0, 'plain-http': 0 });
    const health = Object.fromEntries((await prom.targets()).map((x) => [x.job, x.lastError]));
    assert.match(health['wrong-password']!, /401 Unauthorized/);
    assert.match(health['no-client-cert']!, /tls|certificate|reset|EOF/i);
    assert.equal(tlsExporter!.output().match(/engine=(\w+)/)?.[1], 'uws');
    assert.equal(mtlsExporter!.output().match(/engine=(\w+)/)?.[1], 'node');
  });

  it('stores what it scraped through TLS', async (t) => {
    if (!prom) return t.skip(skipped[0]);
    const mem = await prom.waitFor('node_memory_MemTotal_bytes', (s) => s.length === 2, 15_000);
    assert.deepEqual(mem.map((s) => s.metric.job).sort(), ['mtls-basic-auth', 'tls-basic-auth']);
  });
});
