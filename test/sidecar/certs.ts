/**
 * Certificates for the TLS tests, made with the openssl CLI in a temp dir: a CA, a server
 * certificate for 127.0.0.1/localhost signed by it, a client certificate signed by it (SAN
 * DNS:prometheus.test), and a self-signed "rogue" client certificate no CA vouches for.
 * EC P-256 keys: quick to make.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireBinary, type SkipContext } from '../support/binaries.js';
import { makeTempDir, type TempDir } from '../support/tempdir.js';

export interface CertSet {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly rogueCert: string;
  readonly rogueKey: string;
  /** A second, unrelated server key (for "key does not match" cases). */
  readonly otherKey: string;
  /** PEM contents, by file path. */
  read(file: string): Buffer;
  remove(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes the set, or returns undefined (test skipped) when openssl is missing outside CI. */
export async function makeCerts(t: SkipContext): Promise<CertSet | undefined> {
  const openssl = requireBinary(t, 'openssl');
  if (!openssl) return undefined;
  const tmp: TempDir = await makeTempDir('ae-certs');
  const dir = tmp.path;
  const f = (name: string): string => path.join(dir, name);
  const run = (...args: string[]): void => void execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

  run('req', '-x509', ...EC, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=atomic-exporter test CA');
  const sign = (name: string, subject: string, ext: string): void => {
    writeFileSync(f(`${name}.ext`), ext);
    run('req', ...EC, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject);
    run('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${name}.crt`), '-days', '2', '-extfile', f(`${name}.ext`));
  };
  sign('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=prometheus', 'subjectAltName=DNS:prometheus.test\nextendedKeyUsage=clientAuth\n');
  run('req', '-x509', ...EC, '-keyout', f('rogue.key'), '-out', f('rogue.crt'), '-days', '2', '-subj', '/CN=rogue', '-addext', 'subjectAltName=DNS:prometheus.test');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', f('other.key'));

  return {
    dir,
    caFile: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
    rogueCert: f('rogue.crt'),
    rogueKey: f('rogue.key'),
    otherKey: f('other.key'),
    read: (file) => readFileSync(file),
    remove: () => tmp.remove(),
  };
}
